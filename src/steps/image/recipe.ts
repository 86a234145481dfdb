/**
 * Which image the deployment wants: its "recipe". An image is baked once per recipe and reused while
 * the recipe stays the same; a change to any of its parts bakes a new image:
 *   - gitlab.edition and gitlab.version: the GitLab package installed in the image;
 *   - gitlab.externalUrl: the image carries the builder's gitlab.rb and the configuration its one-off
 *     `gitlab-ctl reconfigure` generated for that URL (nodes rewrite both at boot, but an image that
 *     names another URL than the deployment's is a trap when debugging a node);
 *   - gitlab.baseAmi: the golden image it starts from, when one is configured.
 * Not part of it, on purpose: the Ubuntu image Canonical's parameter currently points at (a new
 * Ubuntu build every few weeks must not rebake by itself), instance types and sizes, and the
 * addresses of the database, Redis and storage node: the Auto Scaling nodes write their own gitlab.rb
 * at boot from the current outputs. Pure: plan, ensure and status compute the same recipe.
 */
import { createHash } from 'node:crypto';
import type { Tag } from '../../aws/tags.js';
import type { Config } from '../../config/schema.js';
import { GITLAB_EDITION_TAG, GITLAB_VERSION_TAG, IMAGE_RECIPE_TAG } from './layout.js';

export interface ImageRecipe {
  edition: Config['gitlab']['edition'];
  version: string;
  externalUrl: string;
  /** The configured base AMI, or null for the current Ubuntu LTS. */
  baseAmi: string | null;
  /** The first 12 hex digits of the SHA-256 of the fields above: tagged on the image. */
  hash: string;
}

export function imageRecipe(config: Pick<Config, 'gitlab'>): ImageRecipe {
  const { edition, version, externalUrl, baseAmi } = config.gitlab;
  const parts = { edition, version, externalUrl, baseAmi: baseAmi ?? null };
  const hash = createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 12);
  return { ...parts, hash };
}

/** The tags that say which recipe a builder or an image is for. */
export function recipeTags(recipe: ImageRecipe): Tag[] {
  return [
    { Key: GITLAB_VERSION_TAG, Value: recipe.version },
    { Key: GITLAB_EDITION_TAG, Value: recipe.edition },
    { Key: IMAGE_RECIPE_TAG, Value: recipe.hash },
  ];
}

function utcStamp(now: Date): string {
  const iso = now.toISOString(); // 2026-01-02T03:04:05.678Z
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
}

/** `<deployment>-gitlab-<edition>-<version>-<yyyymmdd-hhmmss>` (UTC): AMI names must be unique. */
export function imageName(deployment: string, recipe: ImageRecipe, now: Date): string {
  return `${deployment}-gitlab-${recipe.edition}-${recipe.version}-${utcStamp(now)}`;
}

export function imageDescription(deployment: string, recipe: ImageRecipe, builderId: string): string {
  return `gitlab-ha ${deployment}: GitLab ${recipe.edition.toUpperCase()} ${recipe.version} for ${recipe.externalUrl}, baked by ${builderId} (recipe ${recipe.hash})`.slice(
    0,
    255,
  );
}
