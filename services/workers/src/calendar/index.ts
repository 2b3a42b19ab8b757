export { calendarRegistration, createCalendarHandler, type CalendarDeps } from './calendar.handler';
export { createFreeBusyLookup, type FreeBusyDeps } from './free-busy';
export { createFreeBusyRuntime, type FreeBusyRuntimeOptions } from './free-busy-runtime';
export { DEFAULT_CALENDAR_POLICY, type CalendarPolicy } from './calendar-policy';
