import { orgObjects } from './org/objects';
import { customerObjects } from './customers/objects';
import { productObjects } from './products/objects';
import { expenseObjects } from './expenses/objects';
import { salesObjects } from './sales/objects';
import { registerSalesRules } from './sales/rules';
import { customRecordObject } from './meta/custom';
import { findObject, registerObject } from './records/registry';
import { registerEmploymentRules } from './customers/employment';

/** Registers every built-in object of the record engine (once per process). */
export function registerBuiltInObjects(): void {
  if (findObject('employee')) return;
  for (const def of [...orgObjects, ...customerObjects, ...productObjects, ...expenseObjects, ...salesObjects, customRecordObject]) registerObject(def);
  registerEmploymentRules();
  registerSalesRules();
}
