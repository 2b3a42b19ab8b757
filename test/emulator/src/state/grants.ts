import { opaque } from '../util/ids';
import type { AuthCode, RefreshTokenRecord } from './model';

/** Authorization codes and refresh tokens handed out by the token endpoint. */
export class Grants {
  private readonly codes = new Map<string, AuthCode>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private serial = 1;

  nextSerial(): number {
    return this.serial++;
  }

  /** Serial the next token will get: tokens below it count as issued "before now". */
  peekSerial(): number {
    return this.serial;
  }

  issueCode(input: Omit<AuthCode, 'code' | 'redeemed'>): AuthCode {
    // Microsoft codes are long opaque strings starting with "0.A" or "M." - the shape is not part of any contract.
    const code: AuthCode = { ...input, code: `0.A${opaque(96)}`, redeemed: false };
    this.codes.set(code.code, code);
    return code;
  }

  code(value: string): AuthCode | undefined {
    return this.codes.get(value);
  }

  issueRefreshToken(input: Omit<RefreshTokenRecord, 'token' | 'serial'>): RefreshTokenRecord {
    const record: RefreshTokenRecord = { ...input, token: `1.A${opaque(160)}`, serial: this.nextSerial() };
    this.refreshTokens.set(record.token, record);
    return record;
  }

  refreshToken(value: string): RefreshTokenRecord | undefined {
    return this.refreshTokens.get(value);
  }

  clear(): void {
    this.codes.clear();
    this.refreshTokens.clear();
  }
}
