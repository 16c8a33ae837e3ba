import { A } from '@solidjs/router';
import { t } from '../i18n';

export function NotFound() {
  return (
    <div class="page">
      <div class="empty-state large">
        <h1 class="page-title">404</h1>
        <p>{t('error.not_found')}</p>
        <A href="/" class="btn">
          {t('nav.home')}
        </A>
      </div>
    </div>
  );
}
