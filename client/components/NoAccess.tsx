import { A } from '@solidjs/router';
import { t } from '../i18n';

/** What a page shows to someone who may not read it: a notice, not a failing request. */
export function NoAccess() {
  return (
    <div class="page">
      <div class="panel empty-state large" role="status" data-testid="no-access">
        <p>{t('record.noAccess')}</p>
        <A href="/" class="btn">
          {t('nav.home')}
        </A>
      </div>
    </div>
  );
}
