import { registerOrderRules } from './orders';
import { registerReceivableRules } from './receivables';
import { registerStageRules } from './stages';
import { registerTaskRules } from './tasks';

/** The sales module's business rules, run inside every write of its records (any channel). */
export function registerSalesRules(): void {
  registerStageRules();
  registerOrderRules();
  registerReceivableRules();
  registerTaskRules();
}
