export { calendarRegistration, createCalendarHandler, type CalendarDeps } from './calendar.handler';
export { DEFAULT_CALENDAR_POLICY, type CalendarPolicy } from './calendar-policy';
