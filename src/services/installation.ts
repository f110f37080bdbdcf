import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import ct from 'countries-and-timezones';

import type { LocalConfig } from '../config.js';
import type { DeploymentMode, Platform } from '../../common/report/contract.js';

/** What the report says about the machine: detected once at start-up, nothing identifying. */
export interface InstallationEnvironment {
  appVersion: string;
  runtimeVersion: string;
  platform: Platform;
  deploymentMode: DeploymentMode;
  timeZone: string | null;
}

/** Read access to the host, injectable so detection is testable. */
export interface HostProbe {
  env: NodeJS.ProcessEnv;
  exists(path: string): boolean;
  read(path: string): string | null;
  platform: NodeJS.Platform;
}

export const realHost: HostProbe = {
  env: process.env,
  exists: (path) => existsSync(path),
  read: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  },
  platform: process.platform,
};

/**
 * Home Assistant add-ons get SUPERVISOR_TOKEN from the Supervisor (and are containers too, so this
 * is checked first); containers leave /.dockerenv (Docker), /run/.containerenv (Podman) or a
 * container cgroup; a Raspberry Pi names itself in the device tree.
 */
export function detectDeploymentMode(host: HostProbe): DeploymentMode {
  if (host.env.SUPERVISOR_TOKEN || host.env.HASSIO_TOKEN) return 'HOME_ASSISTANT';
  if (host.exists('/.dockerenv') || host.exists('/run/.containerenv')) return 'DOCKER';
  if (/docker|containerd|kubepods|libpod/.test(host.read('/proc/1/cgroup') ?? '')) return 'DOCKER';
  const model = host.read('/proc/device-tree/model') ?? host.read('/sys/firmware/devicetree/base/model') ?? '';
  if (model.includes('Raspberry Pi')) return 'RASPBERRY_PI';
  return 'STANDALONE';
}

export function detectPlatform(platform: NodeJS.Platform): Platform {
  if (platform === 'linux') return 'LINUX';
  if (platform === 'darwin') return 'MACOS';
  if (platform === 'win32') return 'WINDOWS';
  return 'OTHER';
}

/**
 * The country a time zone's location lies in, from the tz database (countries-and-timezones).
 * Null for an unknown zone, for zones without a location (UTC, Etc/GMT+1) and for legacy zones
 * that several countries share (CET). Never derived from an IP address.
 */
export function countryFromTimeZone(timeZone: string | null | undefined): string | null {
  if (!timeZone) return null;
  const zone = ct.getTimezone(timeZone);
  if (!zone || zone.countries.length === 0) return null;
  const located = timeZone.includes('/') && !timeZone.startsWith('Etc/');
  if (!located && zone.countries.length !== 1) return null;
  return ct.getCountryForTimezone(timeZone)?.id ?? null;
}

function packageVersion(): string {
  // By the package's own name (its exports list package.json), so the compiled copy under dist/ finds the same file.
  const pkg = createRequire(import.meta.url)('printernizer-stats/package.json') as { version: string };
  return pkg.version;
}

export function detectEnvironment(config: LocalConfig, host: HostProbe = realHost): InstallationEnvironment {
  return {
    appVersion: config.appVersion ?? packageVersion(),
    runtimeVersion: process.versions.node,
    platform: detectPlatform(host.platform),
    deploymentMode: config.deploymentMode ?? detectDeploymentMode(host),
    timeZone: config.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? null,
  };
}
