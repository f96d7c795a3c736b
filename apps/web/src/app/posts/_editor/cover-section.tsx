import { clsx } from "clsx";
import forms from "@/components/form.module.css";
import ui from "@/components/ui.module.css";
import styles from "./editor.module.css";

/** A post has a cover image, but uploading one is not built yet: the field says so. */
export function CoverSection() {
  return (
    <fieldset className={clsx(forms.field, styles.coverSection)} disabled>
      <legend className={forms.fieldLabel}>Cover image</legend>
      <p className={clsx(ui.muted, ui.small)}>
        Cover images are on their way. Until then posts are saved without one.
      </p>
    </fieldset>
  );
}
