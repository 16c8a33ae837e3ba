import type { Label, LocaleCode } from '../records/types';

/** A notification text: fixed, or in both languages (the recipient's is stored). */
export type Text = string | Label;

export const pick = (text: Text, locale: LocaleCode): string => (typeof text === 'string' ? text : text[locale]);

/** What a system write (no user) is signed with. */
export const systemName: Label = { en: 'The system', 'zh-CN': '系统' };

const named = (who: string | Label, locale: LocaleCode) => pick(who, locale);

/** The texts of the notifications this module creates, in both languages. */
export const texts = {
  assigned: (who: string | Label, object: Label, title: string): Label => ({
    en: `${named(who, 'en')} assigned ${object.en.toLowerCase()} ${title} to you`,
    'zh-CN': `${named(who, 'zh-CN')} 将${object['zh-CN']}「${title}」分配给了你`,
  }),
  assignedMany: (who: string | Label, objects: Label, count: number): Label => ({
    en: `${named(who, 'en')} assigned ${count} ${objects.en.toLowerCase()} to you`,
    'zh-CN': `${named(who, 'zh-CN')} 将 ${count} 条${objects['zh-CN']}分配给了你`,
  }),
  mentionInMessage: (who: string, conversation: string | null): Label => ({
    en: conversation ? `${who} mentioned you in ${conversation}` : `${who} mentioned you in a message`,
    'zh-CN': conversation ? `${who} 在「${conversation}」中提到了你` : `${who} 在消息中提到了你`,
  }),
  mentionInRecord: (who: string | Label, object: Label, title: string): Label => ({
    en: `${named(who, 'en')} mentioned you in ${object.en.toLowerCase()} ${title}`,
    'zh-CN': `${named(who, 'zh-CN')} 在${object['zh-CN']}「${title}」中提到了你`,
  }),
  birthday: (name: string): Label => ({ en: `Happy birthday, ${name}!`, 'zh-CN': `${name}，生日快乐！` }),
  birthdayBody: { en: 'Best wishes from all of us for the year ahead.', 'zh-CN': '全体同事祝你生日快乐，万事如意！' } satisfies Label,
};
