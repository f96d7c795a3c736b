import { clsx } from "clsx";
import skeleton from "@/components/skeleton.module.css";
import ui from "@/components/ui.module.css";
import headline from "./headline.module.css";
import styles from "./metrics-loading.module.css";
import charts from "./ops-charts.module.css";

/** The headline row and the chart cards, in outline, while the first answer is on its way. */
export function MetricsLoading() {
  return (
    <div
      className={styles.opsLoading}
      role="status"
      aria-busy="true"
      aria-label="Loading the api's metrics"
    >
      <div className={headline.opsStats} aria-hidden="true">
        {Array.from({ length: 5 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: static skeleton tiles
          <div key={i} className={headline.opsStat}>
            <span className={clsx(skeleton.skeleton, skeleton.skeletonLine, skeleton.short)} />
            <span
              className={clsx(skeleton.skeleton, skeleton.skeletonLine)}
              style={{ height: "1.5rem", width: "60%" }}
            />
          </div>
        ))}
      </div>
      <div className={charts.opsGrid} aria-hidden="true">
        {Array.from({ length: 6 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: static skeleton cards
          <div key={i} className={clsx(ui.card, charts.opsCard)}>
            <span
              className={clsx(skeleton.skeleton, skeleton.skeletonLine)}
              style={{ width: "40%", height: "1rem" }}
            />
            <span className={skeleton.skeleton} style={{ height: 220 }} />
          </div>
        ))}
      </div>
    </div>
  );
}
