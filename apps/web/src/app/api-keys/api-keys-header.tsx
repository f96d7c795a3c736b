import ui from "@/components/ui.module.css";

export function ApiKeysHeader() {
  return (
    <header className={ui.pageHeader}>
      <h1>API keys</h1>
      <p className={ui.muted}>
        Keys for internal services, sent as <code>Authorization: Bearer &lt;key&gt;</code>. A key
        acts with the role it was given, until it is revoked.
      </p>
    </header>
  );
}
