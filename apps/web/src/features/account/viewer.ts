/** The signed-in user as the dashboard shows and checks them; null when signed out. */
export interface Viewer {
  id: number;
  name: string;
  role: "member" | "admin";
}

export const isAdmin = (viewer: Viewer | null) => viewer?.role === "admin";

/**
 * Whether to offer changing a row `authorId` owns: its author and admins may (the api's
 * mayActFor). Only what is offered: the api decides, whatever the page shows.
 */
export const mayChange = (viewer: Viewer | null, authorId: number) =>
  viewer !== null && (viewer.role === "admin" || viewer.id === authorId);
