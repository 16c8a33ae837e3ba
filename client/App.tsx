import { Route, Router, useLocation, useNavigate, type RouteSectionProps } from '@solidjs/router';
import { Show, createEffect, lazy, on, onMount, type Component } from 'solid-js';
import { onUnauthenticated } from './api/client';
import { ConfirmHost } from './components/ConfirmDialog';
import { Shell } from './components/Shell';
import { NoAccess } from './components/NoAccess';
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
import { BusinessTypesPage } from './pages/BusinessTypes';
import { FieldsPage } from './pages/Fields';
import { RecordCardPage } from './pages/RecordCard';
import { RecordListPage } from './pages/RecordList';
import { can, checked, clearSession, loadMe, me } from './session';
import { closeSocket, onSocket, onSocketLost, openSocket, reconnectSocket } from './collab/socket';
import { startMessages, stopMessages } from './collab/messages';
import { onNotificationArrived, startNotifications, stopNotifications } from './collab/notifications';
import { toast } from './components/Toasts';
import { MessagesRoute } from './components/MessagesPanel';
// ECharts is large: the dashboards and their charts load when first opened.
const DashboardPage = lazy(() => import('./pages/Dashboard').then((m) => ({ default: m.DashboardPage })));
const KanbanPage = lazy(() => import('./pages/sales/Kanban').then((m) => ({ default: m.KanbanPage })));
const StagesPage = lazy(() => import('./pages/sales/Stages').then((m) => ({ default: m.StagesPage })));

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
  // One socket per tab while signed in; messages and notifications live on it.
  createEffect(
    on(
      () => me()?.user.id ?? null,
      (userId) => {
        if (userId) {
          openSocket();
          startMessages(userId);
          startNotifications();
        } else {
          closeSocket();
          stopMessages();
          stopNotifications();
        }
      },
    ),
  );
  onSocket('session:ended', ({ reason }) => {
    closeSocket();
    clearSession();
    const next = location.pathname + location.search;
    navigate(`/login?ended=${reason}${next === '/' || location.pathname === '/login' ? '' : `&next=${encodeURIComponent(next)}`}`, { replace: true });
  });
  // Refused or dropped by the server without a reason: the session may be gone (a 401 from
  // /api/me sends us to sign-in); if it stands, try again shortly.
  onSocketLost(() => {
    void loadMe()
      .then((m) => {
        if (m) setTimeout(reconnectSocket, 2000);
      })
      .catch(() => setTimeout(reconnectSocket, 5000));
  });
  onNotificationArrived((n) => toast(n.title, 'info'));
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

/** A page for a module the user may not read shows a notice instead of a failing request. */
function guard(object: string, Page: Component): Component {
  return () => (
    <Show when={can(object, 'read')} fallback={<NoAccess />}>
      <Page />
    </Show>
  );
}

const OrganisationsPage = guard('organisation', Organisations);
const DepartmentsPage = guard('department', Departments);
const EmployeesPage = guard('employee', Employees);
const UsersPage = guard('user', Users);
const GroupsPage = guard('group', Groups);
const LoginLogPage = guard('loginLog', LoginLog);
const OperationLogPage = guard('operationLog', OperationLog);
const SalesKanbanPage = guard('opportunity', KanbanPage);
const SalesStagesPage = guard('salesStage', StagesPage);

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
        <Route path="/org/organisations" component={OrganisationsPage} />
        <Route path="/org/departments" component={DepartmentsPage} />
        <Route path="/org/employees" component={EmployeesPage} />
        <Route path="/system/users" component={UsersPage} />
        <Route path="/system/groups" component={GroupsPage} />
        <Route path="/system/login-log" component={LoginLogPage} />
        <Route path="/system/operation-log" component={OperationLogPage} />
        <Route path="/records/:object" component={RecordListPage} />
        <Route path="/records/:object/:id" component={RecordCardPage} />
        <Route path="/dashboards/:name" component={DashboardPage} />
        <Route path="/sales/kanban" component={SalesKanbanPage} />
        <Route path="/system/sales-stages" component={SalesStagesPage} />
        <Route path="/messages/:id?" component={MessagesRoute} />
        <Route path="/system/fields" component={FieldsPage} />
        <Route path="/system/business-types" component={BusinessTypesPage} />
        <Route path="*404" component={NotFound} />
      </Route>
    </Router>
  );
}
