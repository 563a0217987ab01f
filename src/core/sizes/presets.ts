/**
 * The built-in catalogue of design-system sizes. Each group notes the public specification its
 * figures come from. Sizes are CSS pixels (points, dp) and a density; the target in pixels is
 * width x density by height x density. Ids are stable: sidecars and batch files refer to them.
 */
import type { Fit } from './target';

export type PresetOrigin = 'built-in' | 'workspace' | 'user';

export interface Preset {
  /** Stable id, lower-case kebab-case, unique across built-in, workspace and user presets. */
  readonly id: string;
  readonly name: string;
  /** Group id (a built-in group such as `phones`, or any label from a design-system file). */
  readonly group: string;
  /** CSS width (points, dp). */
  readonly width: number;
  /** CSS height (points, dp). */
  readonly height: number;
  /** Device pixel ratio: 1, 2, 3 ... */
  readonly density: number;
  readonly description?: string;
  /** The fit to use when the user does not choose one. */
  readonly fit?: Fit;
  /** The pad colour for `contain` (`#rrggbb`, `#rrggbbaa` or `transparent`). */
  readonly padColor?: string;
  readonly origin: PresetOrigin;
  /** Where it was defined: `built-in`, a file label such as `.vscode/mockups.json`, or a setting name. */
  readonly definedIn: string;
}

export interface PresetGroup {
  readonly id: string;
  readonly name: string;
  /** The public specification the figures come from. */
  readonly source: string;
}

type Entry = readonly [id: string, name: string, width: number, height: number, density: number];

function group(meta: PresetGroup, entries: readonly Entry[]): { meta: PresetGroup; presets: Preset[] } {
  return {
    meta,
    presets: entries.map(([id, name, width, height, density]) => ({
      id,
      name,
      group: meta.id,
      width,
      height,
      density,
      origin: 'built-in' as const,
      definedIn: 'built-in',
    })),
  };
}

const CATALOGUE = [
  group(
    {
      id: 'phones',
      name: 'Phones',
      source:
        'Apple Human Interface Guidelines, Layout > Specifications (points and scale factor per iPhone); Android: Samsung Galaxy display specifications at xxhdpi (3.0) and Material 3 compact window width (< 600 dp).',
    },
    [
      ['iphone-16-pro-max', 'iPhone 16 Pro Max', 440, 956, 3],
      ['iphone-16-pro', 'iPhone 16 Pro', 402, 874, 3],
      ['iphone-16-plus', 'iPhone 16 Plus / 15 Plus / 15 Pro Max', 430, 932, 3],
      ['iphone-16', 'iPhone 16 / 15 / 15 Pro / 14 Pro', 393, 852, 3],
      ['iphone-14', 'iPhone 14 / 13 / 12', 390, 844, 3],
      ['iphone-13-mini', 'iPhone 13 mini / 12 mini', 375, 812, 3],
      ['iphone-11', 'iPhone 11 / XR', 414, 896, 2],
      ['iphone-se', 'iPhone SE (2nd and 3rd gen) / 8', 375, 667, 2],
      ['galaxy-s24', 'Samsung Galaxy S24 (FHD+)', 360, 780, 3],
      ['android-compact', 'Android phone 360x800 dp (Galaxy S21-S23, FHD+ 1080x2400)', 360, 800, 3],
    ],
  ),
  group(
    {
      id: 'tablets',
      name: 'Tablets',
      source:
        'Apple Human Interface Guidelines, Layout > Specifications (iPad points and scale factor); Android Studio reference devices (Medium Tablet, 1280x800 dp at xhdpi 2.0).',
    },
    [
      ['ipad-pro-13', 'iPad Pro 13-inch (M4) / iPad Air 13-inch', 1032, 1376, 2],
      ['ipad-pro-12-9', 'iPad Pro 12.9-inch', 1024, 1366, 2],
      ['ipad-pro-11', 'iPad Pro 11-inch (M4)', 834, 1210, 2],
      ['ipad-air-11', 'iPad Air 11-inch / iPad (10th gen)', 820, 1180, 2],
      ['ipad-10-2', 'iPad 10.2-inch (7th-9th gen)', 810, 1080, 2],
      ['ipad-mini', 'iPad mini (6th gen and later)', 744, 1133, 2],
      ['android-tablet', 'Android tablet 1280x800 dp (landscape)', 1280, 800, 2],
    ],
  ),
  group(
    {
      id: 'desktop',
      name: 'Desktop and breakpoints',
      source:
        'Common desktop viewports from StatCounter GlobalStats (desktop screen resolutions); MacBook sizes from Apple technical specifications (native resolution / 2); breakpoint widths from Tailwind CSS defaults (md 768, lg 1024, xl 1280, 2xl 1536), heights of the matching common screens.',
    },
    [
      ['desktop-1366', 'Desktop 1366x768', 1366, 768, 1],
      ['desktop-1440', 'Desktop 1440x900', 1440, 900, 1],
      ['desktop-1536', 'Desktop 1536x864 (Tailwind 2xl)', 1536, 864, 1],
      ['desktop-1920', 'Desktop 1920x1080 (Full HD)', 1920, 1080, 1],
      ['desktop-2560', 'Desktop 2560x1440 (QHD)', 2560, 1440, 1],
      ['desktop-4k', 'Desktop 1920x1080 @2x (4K UHD)', 1920, 1080, 2],
      ['macbook-air-13', 'MacBook Air 13-inch (2560x1664)', 1280, 832, 2],
      ['macbook-pro-14', 'MacBook Pro 14-inch (3024x1964)', 1512, 982, 2],
      ['breakpoint-md', 'Breakpoint md 768x1024 (portrait tablet)', 768, 1024, 1],
      ['breakpoint-lg', 'Breakpoint lg 1024x768', 1024, 768, 1],
      ['breakpoint-xl', 'Breakpoint xl 1280x800', 1280, 800, 1],
    ],
  ),
  group(
    {
      id: 'social',
      name: 'Social and Open Graph images',
      source:
        'Meta for Developers, Sharing > Webmasters > Images (Open Graph 1200x630) and Facebook Help (cover 820x312); X developer docs, Cards > summary_large_image (2:1) and X Help (header 1500x500); LinkedIn Help (shared image 1200x627, background photo 1584x396); Instagram Help Center (1080 px wide; 1:1, 4:5, 9:16); YouTube Help, Add video thumbnails (1280x720); Pinterest Business, Product specs (2:3, 1000x1500).',
    },
    [
      ['og-image', 'Open Graph image', 1200, 630, 1],
      ['x-card-large', 'X summary card with large image', 1200, 600, 1],
      ['x-header', 'X profile header', 1500, 500, 1],
      ['linkedin-post', 'LinkedIn shared image', 1200, 627, 1],
      ['linkedin-banner', 'LinkedIn background photo', 1584, 396, 1],
      ['facebook-cover', 'Facebook Page cover (desktop)', 820, 312, 1],
      ['instagram-square', 'Instagram square post', 1080, 1080, 1],
      ['instagram-portrait', 'Instagram portrait post (4:5)', 1080, 1350, 1],
      ['instagram-story', 'Instagram story / reel (9:16)', 1080, 1920, 1],
      ['youtube-thumbnail', 'YouTube thumbnail', 1280, 720, 1],
      ['pinterest-pin', 'Pinterest standard pin (2:3)', 1000, 1500, 1],
    ],
  ),
  group(
    {
      id: 'app-stores',
      name: 'App store screenshots',
      source:
        'Apple App Store Connect Help, Screenshot specifications (6.9", 6.5", 5.5" iPhone, 13" iPad, Mac); Google Play Console Help, Add preview assets (feature graphic 1024x500; screenshots 16:9 or 9:16, 320-3840 px).',
    },
    [
      ['app-store-iphone-6-9', 'App Store iPhone 6.9" screenshot', 1320, 2868, 1],
      ['app-store-iphone-6-5', 'App Store iPhone 6.5" screenshot', 1284, 2778, 1],
      ['app-store-iphone-5-5', 'App Store iPhone 5.5" screenshot', 1242, 2208, 1],
      ['app-store-ipad-13', 'App Store iPad 13" screenshot', 2064, 2752, 1],
      ['app-store-mac', 'Mac App Store screenshot', 2880, 1800, 1],
      ['play-phone-screenshot', 'Google Play phone screenshot (9:16)', 1080, 1920, 1],
      ['play-feature-graphic', 'Google Play feature graphic', 1024, 500, 1],
    ],
  ),
  group(
    {
      id: 'email',
      name: 'Email',
      source:
        'Email design practice: a 600 px wide body (Litmus and Campaign Monitor guides), images at 2x for high-density screens.',
    },
    [
      ['email-hero', 'Email hero 600x300 @2x', 600, 300, 2],
      ['email-banner', 'Email banner 600x200 @2x', 600, 200, 2],
      ['email-header', 'Email header strip 600x100 @2x', 600, 100, 2],
    ],
  ),
  group(
    {
      id: 'icons',
      name: 'Icons',
      source:
        'Apple HIG, App icons (1024x1024 App Store, 60 pt @3x home screen = apple-touch-icon 180x180); Google Play Console Help, app icon 512x512; Android Developers, Adaptive icons (108x108 dp, at xxxhdpi 4.0); web.dev, Add a web app manifest (192x192 and 512x512); favicon 32x32.',
    },
    [
      ['icon-app-store', 'App Store icon', 1024, 1024, 1],
      ['icon-play-store', 'Google Play icon', 512, 512, 1],
      ['apple-touch-icon', 'Apple touch icon (60 pt @3x)', 60, 60, 3],
      ['android-adaptive-icon', 'Android adaptive icon (108 dp @4x)', 108, 108, 4],
      ['pwa-icon-192', 'Web app manifest icon 192', 192, 192, 1],
      ['pwa-icon-512', 'Web app manifest icon 512', 512, 512, 1],
      ['favicon-32', 'Favicon 32x32', 32, 32, 1],
    ],
  ),
];

export const BUILT_IN_GROUPS: readonly PresetGroup[] = CATALOGUE.map((g) => g.meta);
export const BUILT_IN_PRESETS: readonly Preset[] = CATALOGUE.flatMap((g) => g.presets);

/** Preset ids: lower-case letters and digits, separated by single `-`, `_` or `.`. */
export const PRESET_ID_PATTERN = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/;

export function findBuiltInPreset(id: string): Preset | undefined {
  return BUILT_IN_PRESETS.find((p) => p.id === id);
}

/** Pixels of a preset at its own density (rounded). */
export function presetPixels(preset: Pick<Preset, 'width' | 'height' | 'density'>): { width: number; height: number } {
  return { width: Math.round(preset.width * preset.density), height: Math.round(preset.height * preset.density) };
}
