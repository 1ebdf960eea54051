import { createTokenClient, indexedDbStorage } from '@tessera/client';

const config = (await (await fetch('/config.json')).json()) as { issuer: string; clientId: string };
const client = createTokenClient({ issuer: config.issuer, clientId: config.clientId, storage: indexedDbStorage(), allowInsecureRequests: true });
const tokens = await client.getTokens();
document.querySelector('#app')!.textContent = tokens ? `logged in (${tokens.format})` : 'logged out';
