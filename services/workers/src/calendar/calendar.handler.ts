import type { HandlerRegistration } from '@outlook-connect/queues';
import { operationHandler } from '../operations/run-operation';
import { calendarKind, type CalendarDeps } from './calendar-kind';

export type { CalendarDeps } from './calendar-kind';

/** Runs one calendar operation: the durable-operation runner with the calendar's strategy (calendar-kind.ts). */
export function createCalendarHandler(deps: CalendarDeps): HandlerRegistration<'calendar'> {
  return operationHandler(deps, calendarKind(deps)) as HandlerRegistration<'calendar'>;
}

/** The handler map's entry (services/workers/src/handlers.ts). */
export const calendarRegistration = (deps: CalendarDeps): HandlerRegistration<'calendar'> =>
  createCalendarHandler(deps);
