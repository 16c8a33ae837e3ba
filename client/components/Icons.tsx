import type { JSX } from 'solid-js';

// Factories, not elements: a Solid JSX element is one DOM node and can live in one place only.
const paths: Record<string, () => JSX.Element> = {
  home: () => <path d="M3 9.5L10 4l7 5.5V16a1 1 0 01-1 1h-4v-5H8v5H4a1 1 0 01-1-1z" />,
  organisation: () => (
    <>
      <rect x="7" y="2.5" width="6" height="4" rx="1" />
      <rect x="2.5" y="13" width="5" height="4" rx="1" />
      <rect x="12.5" y="13" width="5" height="4" rx="1" />
      <path d="M10 6.5V10M5 13v-3h10v3" />
    </>
  ),
  department: () => (
    <>
      <rect x="3" y="3" width="14" height="14" rx="2" />
      <path d="M3 8h14M8 8v9" />
    </>
  ),
  employee: () => (
    <>
      <circle cx="10" cy="7" r="3.2" />
      <path d="M3.5 17c.8-3.2 3.4-5 6.5-5s5.7 1.8 6.5 5" />
    </>
  ),
  user: () => (
    <>
      <circle cx="8" cy="7" r="3" />
      <path d="M2.5 17c.6-3 2.8-4.6 5.5-4.6 1.2 0 2.3.3 3.2.9M13 13.5l1.5 1.5 3-3" />
    </>
  ),
  group: () => (
    <>
      <path d="M10 2.5l6 2.5v4.5c0 3.8-2.6 6.6-6 8-3.4-1.4-6-4.2-6-8V5z" />
      <path d="M7.5 10l2 2 3-3.5" />
    </>
  ),
  loginLog: () => (
    <>
      <path d="M11 3h4a2 2 0 012 2v10a2 2 0 01-2 2h-4" />
      <path d="M3 10h9M9 6.5L12.5 10 9 13.5" />
    </>
  ),
  operationLog: () => (
    <>
      <rect x="4" y="2.5" width="12" height="15" rx="2" />
      <path d="M7 7h6M7 10h6M7 13h4" />
    </>
  ),
  menu: () => <path d="M3 5h14M3 10h14M3 15h14" />,
  chevron: () => <path d="M5 8l5 5 5-5" />,
  plus: () => <path d="M10 4v12M4 10h12" />,
  search: () => (
    <>
      <circle cx="9" cy="9" r="5" />
      <path d="M13 13l4 4" />
    </>
  ),
  globe: () => (
    <>
      <circle cx="10" cy="10" r="7" />
      <path d="M3 10h14M10 3c2 2 3 4.5 3 7s-1 5-3 7c-2-2-3-4.5-3-7s1-5 3-7z" />
    </>
  ),
  key: () => (
    <>
      <circle cx="7" cy="12" r="3.5" />
      <path d="M9.5 9.5L16 3M13.5 5.5l2 2" />
    </>
  ),
  logout: () => (
    <>
      <path d="M8 3H5a2 2 0 00-2 2v10a2 2 0 002 2h3" />
      <path d="M8 10h9M14 6.5l3.5 3.5-3.5 3.5" />
    </>
  ),
  check: () => <path d="M4.5 10.5l3.5 3.5 7.5-8" />,
  customer: () => (
    <>
      <path d="M3 17V6l5-3 5 3v11" />
      <path d="M13 9h4v8M6 8h1M6 11h1M6 14h1M9.5 8h1M9.5 11h1M9.5 14h1M2 17h16" />
    </>
  ),
  contact: () => (
    <>
      <rect x="3" y="3" width="14" height="14" rx="2" />
      <circle cx="10" cy="8.5" r="2.5" />
      <path d="M5.5 15c.8-2 2.5-3 4.5-3s3.7 1 4.5 3" />
    </>
  ),
  activity: () => <path d="M2.5 10h3l2-5 4 10 2-5h4" />,
  product: () => (
    <>
      <path d="M10 2.5l7 3.5v8l-7 3.5-7-3.5V6z" />
      <path d="M3 6l7 3.5L17 6M10 9.5v8" />
    </>
  ),
  unit: () => <path d="M3 15h14M5 15V9M8 15V6M11 15V9M14 15V4" />,
  expense: () => (
    <>
      <rect x="2.5" y="5" width="15" height="10" rx="2" />
      <circle cx="10" cy="10" r="2.2" />
      <path d="M5 8v4M15 8v4" />
    </>
  ),
  category: () => <path d="M3 4h5v4H3zM3 12h5v4H3zM12 6h5M12 14h5M8 6h4M8 14h4" />,
  businessType: () => (
    <>
      <rect x="3" y="3" width="6" height="6" rx="1" />
      <rect x="11" y="3" width="6" height="6" rx="1" />
      <rect x="3" y="11" width="6" height="6" rx="1" />
      <path d="M14 11v6M11 14h6" />
    </>
  ),
  fields: () => <path d="M4 5h12M4 10h12M4 15h7M15 13v4M13 15h4" />,
  columns: () => (
    <>
      <rect x="3" y="3.5" width="14" height="13" rx="1.5" />
      <path d="M8 3.5v13M12 3.5v13" />
    </>
  ),
  download: () => <path d="M10 3v10M6 9l4 4 4-4M4 16h12" />,
  grip: () => <path d="M7.5 5h.01M12.5 5h.01M7.5 10h.01M12.5 10h.01M7.5 15h.01M12.5 15h.01" stroke-width="2.6" />,
  close: () => <path d="M5 5l10 10M15 5L5 15" />,
  layers: () => (
    <>
      <path d="M10 3l7 3.5-7 3.5-7-3.5z" />
      <path d="M3 10l7 3.5 7-3.5M3 13.5L10 17l7-3.5" />
    </>
  ),
  arrowLeft: () => <path d="M16 10H4M9 5l-5 5 5 5" />,
  up: () => <path d="M5 12l5-5 5 5" />,
  down: () => <path d="M5 8l5 5 5-5" />,
  right: () => <path d="M8 5l5 5-5 5" />,
  bell: () => (
    <>
      <path d="M5 14.5V9a5 5 0 0110 0v5.5l1.5 1.5h-13z" />
      <path d="M8.5 17.5a1.6 1.6 0 003 0" />
    </>
  ),
  message: () => (
    <>
      <path d="M3 5a2 2 0 012-2h10a2 2 0 012 2v7a2 2 0 01-2 2H9l-4 3.5V14H5a2 2 0 01-2-2z" />
      <path d="M7 7.5h6M7 10.5h4" />
    </>
  ),
  paperclip: () => <path d="M15.5 9.5l-5.8 5.8a3.5 3.5 0 01-5-5l6.5-6.5a2.3 2.3 0 013.3 3.3l-6.4 6.4a1.1 1.1 0 01-1.6-1.6L12 6.4" />,
  chart: () => (
    <>
      <path d="M3 3v14h14" />
      <path d="M6.5 13V10M10 13V6.5M13.5 13V8.5" />
    </>
  ),
  history: () => (
    <>
      <path d="M3.5 10a6.5 6.5 0 101.9-4.6L3.5 7.3" />
      <path d="M3.5 3.5v3.8h3.8M10 6.5V10l2.5 1.5" />
    </>
  ),
  opportunity: () => (
    <>
      <circle cx="10" cy="10" r="7" />
      <circle cx="10" cy="10" r="3.5" />
      <path d="M10 10h.01" stroke-width="2.6" />
    </>
  ),
  kanban: () => (
    <>
      <rect x="3" y="3.5" width="4" height="13" rx="1" />
      <rect x="8.5" y="3.5" width="4" height="9" rx="1" />
      <rect x="14" y="3.5" width="3" height="6" rx="1" />
    </>
  ),
  task: () => (
    <>
      <path d="M4 5.5l1.5 1.5 2.5-3M4 12l1.5 1.5 2.5-3" />
      <path d="M10.5 6h6M10.5 12.5h6" />
    </>
  ),
  contract: () => (
    <>
      <path d="M5 2.5h7l3.5 3.5v11.5H5z" />
      <path d="M12 2.5V6h3.5M7.5 10h5.5M7.5 13h3.5" />
    </>
  ),
  order: () => (
    <>
      <path d="M2.5 3.5h2l2 9h9l1.5-6.5H5.5" />
      <circle cx="8" cy="16" r="1.2" />
      <circle cx="14" cy="16" r="1.2" />
    </>
  ),
  receipt: () => (
    <>
      <rect x="2.5" y="5" width="15" height="10" rx="1.5" />
      <circle cx="10" cy="10" r="2.2" />
      <path d="M5 8v4M15 8v4" />
    </>
  ),
  receivable: () => (
    <>
      <circle cx="10" cy="10" r="7" />
      <path d="M7.5 7.5L10 10.5l2.5-3M10 10.5v4M7.5 11.5h5" />
    </>
  ),
  stage: () => <path d="M3 4h14l-4.5 5v4.5l-5 2.5V9z" />,
  funnel: () => <path d="M3 4h14l-4.5 5v4.5l-5 2.5V9z" />,
  move: () => <path d="M3 10h14M13 6l4 4-4 4M7 6l-4 4 4 4" />,
  drag: () => <path d="M7.5 5h.01M12.5 5h.01M7.5 10h.01M12.5 10h.01M7.5 15h.01M12.5 15h.01" stroke-width="2.6" />,
};

export function Icon(props: { name: keyof typeof paths | string; size?: number }) {
  return (
    <svg
      class="icon"
      viewBox="0 0 20 20"
      width={props.size ?? 18}
      height={props.size ?? 18}
      fill="none"
      stroke="currentColor"
      stroke-width="1.6"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
    >
      {paths[props.name]?.() ?? null}
    </svg>
  );
}
