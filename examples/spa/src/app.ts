// What the page's parts share: the token client, the addresses, the state, the timeline and the tab channel.
import type { TokenClient } from '@tessera/client';
import type { DemoConfig } from './config.js';
import type { TabChannel } from './tab-channel.js';
import type { Timeline } from './timeline.js';
import type { PageState } from './view.js';

/** The running page. */
export interface App {
  client: TokenClient;
  config: DemoConfig;
  state: PageState;
  timeline: Timeline;
  channel: TabChannel;
  /** Re-renders everything. */
  render(): void;
}

/** The scopes the page asks for. */
export const SCOPE = 'openid profile api:read';

/** Renew this many seconds before the access token expires (the client's `refreshSkew`). */
export const REFRESH_SKEW_SECONDS = 5;
