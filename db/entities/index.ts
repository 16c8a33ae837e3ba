import { Organisation, Department, Employee } from './org';
import { User, Group, Session } from './accounts';
import { LoginLog, OperationLog, RecordCounter } from './logs';
import { Activity, Contact, ContactEmployment, Customer, CustomerDepartment, CustomRecord, Expense, ExpenseCategory, Product, Unit } from './crm';
import { FieldDefinition, FieldHistory, ObjectDefinition, ObjectLayout } from './meta';
import { Folder, FolderItem, SavedView } from './views';
import { StoredFile } from './files';
import { CollabDoc, CollabUpdate } from './collab';
import { Conversation, ConversationMember, Message, Notification } from './messages';
import { Contract, Opportunity, Receipt, Receivable, SalesOrder, SalesOrderLine, SalesStage, SalesTask } from './sales';

export * from './org';
export * from './accounts';
export * from './logs';
export * from './crm';
export * from './meta';
export * from './views';
export * from './files';
export * from './collab';
export * from './messages';
export * from './sales';

export const entities = [
  Organisation, Department, Employee, User, Group, Session, LoginLog, OperationLog, RecordCounter,
  Customer, CustomerDepartment, Contact, ContactEmployment, Activity, Unit, Product, ExpenseCategory, CustomRecord, Expense,
  ObjectDefinition, FieldDefinition, ObjectLayout, FieldHistory, SavedView, Folder, FolderItem, StoredFile,
  CollabDoc, CollabUpdate, Conversation, ConversationMember, Message, Notification,
  SalesStage, Opportunity, SalesTask, Contract, SalesOrder, SalesOrderLine, Receivable, Receipt,
];
