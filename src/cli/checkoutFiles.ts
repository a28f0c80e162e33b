/**
 * The files of an accelerator checkout that `publish-accelerator` may upload: every file, minus those its ignore
 * files exclude. As azure-ai-ml (`azure/ai/ml/_utils/_asset_utils.py`, `get_ignore_file`), a folder's `.amlignore`
 * takes precedence over its `.gitignore`; here that holds in every folder of the tree, not only at the root, with
 * git's semantics from the `ignore` package: patterns are relative to the folder of their file, a deeper file's rule
 * (a `!` re-include included) overrides a shallower one's, and nothing under an excluded folder is read. Names are
 * matched ignoring case (as git on Windows and macOS), so an ignore file never lets a differently cased file through.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Folders never walked (version control, virtual environments, dependencies). */
const SKIP_DIRS = new Set(['.git', 'node_modules', '.venv', 'venv', '__pycache__', '.mypy_cache', '.pytest_cache']);

/** The ignore file names, in precedence order: the first present in a folder is the one used there. */
export const IGNORE_FILES = ['.amlignore', '.gitignore'] as const;

export interface CheckoutFile {
  /** Checkout-relative, forward slashes. */
  path: string;
  bytes: number;
}

export interface CheckoutListing {
  files: CheckoutFile[];
  /** The ignore files used (checkout-relative), root first. */
  ignoreFiles: string[];
  /** Files and folders left out by them. */
  ignoredCount: number;
}

interface Scope {
  /** Checkout-relative folder of the ignore file ('' for the root). */
  dir: string;
  matcher: Ignore;
}

/** Whether `path` (a folder ends with '/') is ignored: the deepest ignore file with a rule for it decides. */
function isIgnored(path: string, scopes: readonly Scope[]): boolean {
  let ignored = false;
  for (const { dir, matcher } of scopes) {
    const result = matcher.test(dir ? path.slice(dir.length + 1) : path);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

/** The ignore file a folder uses, if any: `.amlignore`, else `.gitignore`. */
function scopeOf(root: string, dir: string): { file: string; scope: Scope } | undefined {
  for (const name of IGNORE_FILES) {
    const file = dir ? `${dir}/${name}` : name;
    let text: string;
    try {
      text = readFileSync(join(root, file), 'utf8');
    } catch {
      continue;
    }
    return { file, scope: { dir, matcher: ignore().add(text) } };
  }
  return undefined;
}

/** Every file of the checkout that no ignore file excludes (throws when `root` cannot be read). */
export function listCheckout(root: string): CheckoutListing {
  const listing: CheckoutListing = { files: [], ignoreFiles: [], ignoredCount: 0 };
  const walk = (dir: string, inherited: readonly Scope[]): void => {
    const own = scopeOf(root, dir);
    const scopes = own ? [...inherited, own.scope] : inherited;
    if (own) listing.ignoreFiles.push(own.file);
    const entries = readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (SKIP_DIRS.has(entry.name)) continue;
        if (isIgnored(`${path}/`, scopes)) listing.ignoredCount += 1;
        else walk(path, scopes);
      } else if (entry.isFile()) {
        if (isIgnored(path, scopes)) listing.ignoredCount += 1;
        else listing.files.push({ path, bytes: statSync(join(root, path)).size });
      }
    }
  };
  walk('', []);
  return listing;
}
