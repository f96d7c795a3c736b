import type { RouterOutputs } from "@brisk/api-contract";
import { clsx } from "clsx";
import ui from "@/components/ui.module.css";

type Role = RouterOutputs["users"]["byId"]["role"];

const roleClass: Record<Role, string | undefined> = {
  admin: ui.badgeAdmin,
  member: ui.badgeMember,
};

/** An author's role as a badge, coloured per role. */
export function RoleBadge({ role }: { role: Role }) {
  return <span className={clsx(ui.badge, roleClass[role])}>{role}</span>;
}
