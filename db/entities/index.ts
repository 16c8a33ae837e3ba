import { Organisation, Department, Employee } from './org';
import { User, Group, Session } from './accounts';
import { LoginLog, OperationLog, RecordCounter } from './logs';

export * from './org';
export * from './accounts';
export * from './logs';

export const entities = [Organisation, Department, Employee, User, Group, Session, LoginLog, OperationLog, RecordCounter];
