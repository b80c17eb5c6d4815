// "Start radio": the seed plays at once (still within the tap, which audio
// needs) and the queue then fills with its radio from the server.
import { errorMessage } from '../api';
import { toast } from '../toast';
import { musicApi, type Track } from './api';
import { current, extendQueue, player, playTracks } from './player';

export async function startRadio(seed: Track): Promise<void> {
  playTracks([seed]);
  try {
    const radio = await musicApi.radio(seed.id, 25);
    // Only if the listener is still on this radio's queue.
    const s = player.get();
    if (current()?.id !== seed.id || s.queue.length !== 1) return;
    extendQueue(radio.items.map((i) => i.track));
    toast(radio.items.length ? `Radio from ${seed.title}` : 'No radio for this song yet');
  } catch (e) {
    toast(errorMessage(e));
  }
}
