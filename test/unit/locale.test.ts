import { describe, expect, it } from 'vitest';
import { acceptLanguage, resolveLocale } from '../../server/auth/locale';

describe('locale resolution', () => {
  it('reads the most wanted language of Accept-Language as the web app does: Chinese for any zh, English for any other', () => {
    expect(acceptLanguage('en-US,en;q=0.9,zh-CN;q=0.8')).toBe('en');
    expect(acceptLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(acceptLanguage('zh-TW')).toBe('zh-CN');
    expect(acceptLanguage('en;q=0.5, zh;q=0.9')).toBe('zh-CN');
    expect(acceptLanguage('fr-FR,fr;q=0.9')).toBe('en');
    expect(acceptLanguage('*, zh;q=0.1')).toBe('zh-CN');
    expect(acceptLanguage('zh;q=0, en')).toBe('en');
    expect(acceptLanguage('')).toBeNull();
    expect(acceptLanguage(undefined)).toBeNull();
    expect(acceptLanguage('*')).toBeNull();
  });

  it('takes the chosen language, else the first browser language known, else Chinese', () => {
    expect(resolveLocale('en', 'zh-CN')).toBe('en');
    expect(resolveLocale(null, null, 'en')).toBe('en');
    expect(resolveLocale(null, 'zh-CN', 'en')).toBe('zh-CN');
    expect(resolveLocale(null, 'xx', undefined)).toBe('zh-CN');
    expect(resolveLocale(undefined)).toBe('zh-CN');
  });
});
