import ui from "@/components/ui.module.css";

export function MailboxHeader() {
  return (
    <header className={ui.pageHeader}>
      <h1>Dev mailbox</h1>
      <p className={ui.muted}>
        Every email Brisk sent while it runs on its embedded defaults, kept here instead of going
        out over SMTP. Newest first.
      </p>
    </header>
  );
}
