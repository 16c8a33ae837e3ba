import { Route, Router, useLocation, useNavigate, type RouteSectionProps } from '@solidjs/router';
import { Show, createEffect, onMount } from 'solid-js';
import { onUnauthenticated } from './api/client';
import { ConfirmHost } from './components/ConfirmDialog';
import { Shell } from './components/Shell';
import { Toaster } from './components/Toasts';
import { t } from './i18n';
import { Departments } from './pages/Departments';
import { Employees } from './pages/Employees';
import { Groups } from './pages/Groups';
import { Home } from './pages/Home';
import { Login } from './pages/Login';
import { LoginLog } from './pages/LoginLog';
import { NotFound } from './pages/NotFound';
import { OperationLog } from './pages/OperationLog';
import { Organisations } from './pages/Organisations';
import { Users } from './pages/Users';
import { checked, clearSession, loadMe, me } from './session';

function Root(props: RouteSectionProps) {
  const navigate = useNavigate();
  const location = useLocation();
  onUnauthenticated(() => {
    const wasSignedIn = !!me();
    clearSession();
    if (location.pathname === '/login') return;
    const next = location.pathname + location.search;
    navigate(`/login?next=${encodeURIComponent(next)}${wasSignedIn ? '&expired=1' : ''}`, { replace: true });
  });
  onMount(() => {
    void loadMe().catch(() => undefined);
  });
  createEffect(() => {
    document.title = t('app.name');
  });
  return (
    <>
      {props.children}
      <Toaster />
      <ConfirmHost />
    </>
  );
}

function Splash() {
  return (
    <div class="splash" role="status" aria-live="polite">
      <span class="brand-mark" aria-hidden="true">
        T
      </span>
      <span class="visually-hidden">{t('common.loading')}</span>
    </div>
  );
}

function ToLogin() {
  const navigate = useNavigate();
  const location = useLocation();
  onMount(() => {
    const next = location.pathname + location.search;
    navigate(next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`, { replace: true });
  });
  return <Splash />;
}

/** Layout for every signed-in route: waits for /api/me, sends strangers to /login. */
function Protected(props: RouteSectionProps) {
  return (
    <Show when={checked()} fallback={<Splash />}>
      <Show when={me()} fallback={<ToLogin />}>
        <Shell>{props.children}</Shell>
      </Show>
    </Show>
  );
}

export function App() {
  return (
    <Router root={Root}>
      <Route path="/login" component={Login} />
      <Route component={Protected}>
        <Route path="/" component={Home} />
        <Route path="/org/organisations" component={Organisations} />
        <Route path="/org/departments" component={Departments} />
        <Route path="/org/employees" component={Employees} />
        <Route path="/system/users" component={Users} />
        <Route path="/system/groups" component={Groups} />
        <Route path="/system/login-log" component={LoginLog} />
        <Route path="/system/operation-log" component={OperationLog} />
        <Route path="*404" component={NotFound} />
      </Route>
    </Router>
  );
}
