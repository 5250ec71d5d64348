// Django's CSRF protection for a same-origin SPA: read the `csrftoken` cookie and send it back as
// `X-CSRFToken` on unsafe methods (https://docs.djangoproject.com/en/5.2/howto/csrf/#using-csrf-protection-with-ajax).
export const CSRF_COOKIE = "csrftoken";
export const CSRF_HEADER = "X-CSRFToken";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

export function readCookie(name: string, cookies: string = document.cookie): string | null {
  for (const part of cookies.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

export function needsCsrf(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}
