import { useNavigate, useSearchParams } from '@solidjs/router';
import { For, Show, createEffect, createSignal, onCleanup } from 'solid-js';
import { ApiError } from '../api/client';
import type { Locale } from '../api/types';
import { LOCALES, errorText, locale, setLocale, t } from '../i18n';
import { checked, me, signIn } from '../session';

function safeNext(next: unknown): string {
  const n = Array.isArray(next) ? next[0] : next;
  return typeof n === 'string' && n.startsWith('/') && !n.startsWith('//') && !n.startsWith('/login') ? n : '/';
}

export function Login() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [login, setLogin] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<ApiError | Error | null>(null);
  const [retryLeft, setRetryLeft] = createSignal(0);
  let timer: ReturnType<typeof setInterval> | undefined;
  onCleanup(() => clearInterval(timer));

  // Already signed in (e.g. opened /login in a second tab): go on.
  createEffect(() => {
    if (checked() && me()) navigate(safeNext(params.next), { replace: true });
  });

  const startCountdown = (seconds: number) => {
    clearInterval(timer);
    setRetryLeft(seconds);
    timer = setInterval(() => {
      setRetryLeft((s) => {
        if (s <= 1) clearInterval(timer);
        return Math.max(0, s - 1);
      });
    }, 1000);
  };

  const message = () => {
    const e = error();
    if (!e) {
      if (params.ended === 'signedOut') return t('login.endedSignedOut');
      if (params.ended === 'revoked') return t('login.endedRevoked');
      return params.expired || params.ended ? t('login.sessionExpired') : null;
    }
    if (e instanceof ApiError) {
      if (e.code === 'invalid_credentials') return t('login.invalid');
      if (e.code === 'rate_limited') return retryLeft() > 0 ? t('login.rateLimited', { seconds: retryLeft() }) : t('login.rateLimitedNoTime');
      if (e.code === 'validation_failed') return t('login.invalid');
    }
    return errorText(e);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy()) return;
    setBusy(true);
    setError(null);
    // Read the destination now: once signed in, the effect above may already have navigated
    // away, and the search params would then be the new page's.
    const target = safeNext(params.next);
    try {
      await signIn(login().trim(), password());
      navigate(target, { replace: true });
    } catch (ex) {
      const err = ex instanceof Error ? ex : new Error(String(ex));
      if (err instanceof ApiError && err.code === 'rate_limited' && err.retryAfter) startCountdown(err.retryAfter);
      setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login-page">
      <div class="login-lang" role="group" aria-label={t('menu.language')}>
        <For each={LOCALES}>
          {(l: Locale) => (
            <button
              type="button"
              class="link-button"
              classList={{ 'is-active': locale() === l }}
              aria-pressed={locale() === l}
              lang={l}
              onClick={() => setLocale(l)}
            >
              {t(`lang.${l}`)}
            </button>
          )}
        </For>
      </div>
      <div class="login-card">
        <div class="login-brand">
          <span class="brand-mark" aria-hidden="true">
            T
          </span>
          <span class="brand-name">{t('app.name')}</span>
        </div>
        <h1 class="login-title">{t('login.title')}</h1>
        <p class="login-subtitle">{t('login.subtitle')}</p>
        <form class="stack" onSubmit={submit} novalidate>
          <Show when={message()}>
            <div class={error() ? 'form-alert' : 'form-info'} role="alert" data-testid="login-error">
              {message()}
            </div>
          </Show>
          <div class="form-field">
            <label class="form-label" for="login-name">
              {t('login.login')}
            </label>
            <input
              id="login-name"
              class="input input-lg"
              name="username"
              autocomplete="username"
              autocapitalize="none"
              spellcheck={false}
              required
              autofocus
              data-testid="login-name"
              value={login()}
              onInput={(e) => setLogin(e.currentTarget.value)}
            />
          </div>
          <div class="form-field">
            <label class="form-label" for="login-password">
              {t('login.password')}
            </label>
            <input
              id="login-password"
              class="input input-lg"
              type="password"
              name="password"
              autocomplete="current-password"
              required
              data-testid="login-password"
              value={password()}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </div>
          <button
            type="submit"
            class="btn btn-primary btn-lg btn-block"
            data-testid="login-submit"
            disabled={busy() || !login().trim() || !password() || retryLeft() > 0}
          >
            {busy() ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
      </div>
      <p class="login-footer">{t('app.tagline')}</p>
    </div>
  );
}
