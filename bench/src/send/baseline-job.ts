export const BASELINE_SEND_QUEUE = 'bench-bare-send';

export interface BaselineSendJob {
  connectionId: string;
  marker: string;
  to: string;
  subject: string;
  content: string;
}
