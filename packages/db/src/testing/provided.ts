// What the global setup hands to every test file: the URL of the migrated template database.
declare module "vitest" {
  export interface ProvidedContext {
    templateUrl: string;
  }
}

export const TEMPLATE_URL = "templateUrl" as const;
