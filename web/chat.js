// The demo chat page: one SwitchboardClient, rooms, members, messages in seq order, connection state.
import { SwitchboardClient } from './switchboard-client.mjs';

const params = new URLSearchParams(location.search);
const wsUrl = params.get('ws') ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/local`;
const $ = (id) => document.getElementById(id);
const messagesByRoom = new Map();
let current = null;

function show(text) { $('error').textContent = text; }

function renderMessages() {
  const list = $('messages');
  list.replaceChildren();
  for (const entry of messagesByRoom.get(current) ?? []) {
    const item = document.createElement('li');
    if (entry.reset) {
      item.className = 'reset';
      item.textContent = `earlier messages expired (continuing from #${entry.seq})`;
    } else {
      item.dataset.seq = entry.seq;
      const seq = Object.assign(document.createElement('span'), { className: 'seq', textContent: `#${entry.seq}` });
      const from = Object.assign(document.createElement('span'), { className: 'from', textContent: entry.from });
      const text = document.createElement('span');
      text.className = 'text';
      text.textContent = typeof entry.data === 'string' ? entry.data : JSON.stringify(entry.data);
      item.append(seq, from, text);
    }
    list.append(item);
  }
  list.scrollTop = list.scrollHeight;
}

async function renderMembers() {
  if (!current) return;
  try {
    const members = await client.presenceAll(current);
    $('members').replaceChildren(...members.map((m) => {
      const item = document.createElement('li');
      item.textContent = m.connections > 1 ? `${m.user} (${m.connections})` : m.user;
      return item;
    }));
  } catch (error) {
    show(error.message);
  }
}

function renderRooms() {
  $('rooms').replaceChildren(...[...messagesByRoom.keys()].map((room) => {
    const item = document.createElement('li');
    item.textContent = room;
    item.className = room === current ? 'active' : '';
    item.onclick = () => { current = room; renderRooms(); renderMessages(); renderMembers(); };
    return item;
  }));
}

const client = new SwitchboardClient(wsUrl, {
  token: params.get('token') ?? undefined,
  onStateChange(state) {
    $('state').textContent = state;
    $('state').className = `state ${state}`;
  },
  onMessage(message) {
    messagesByRoom.get(message.room)?.push(message);
    if (message.room === current) renderMessages();
  },
  onReset(reset) {
    messagesByRoom.get(reset.room)?.push({ reset: true, seq: reset.seq });
    if (reset.room === current) renderMessages();
  },
  onPresence(change) {
    if (change.room === current) renderMembers();
  },
  onRoomLost(room, error) {
    messagesByRoom.delete(room);
    if (room === current) {
      current = null;
      renderMessages();
      $('members').replaceChildren();
    }
    renderRooms();
    show(`no longer in ${room}: ${error.message}`);
  },
  onError(error) { show(`${error.code}: ${error.message}`); },
});
window.switchboard = client; // for the browser test and the curious

$('url').textContent = wsUrl;
$('join-form').onsubmit = async (event) => {
  event.preventDefault();
  const room = $('room').value.trim();
  const known = messagesByRoom.has(room);
  try {
    if (!known) messagesByRoom.set(room, []);
    await client.join(room);
    current = room;
    renderRooms();
    renderMessages();
    renderMembers();
    show('');
  } catch (error) {
    if (!known) messagesByRoom.delete(room);
    show(`${error.code}: ${error.message}`);
  }
};
$('send-form').onsubmit = async (event) => {
  event.preventDefault();
  if (!current) { show('join a room first'); return; }
  const text = $('text').value;
  $('text').value = '';
  try {
    await client.send(current, text);
    show('');
  } catch (error) {
    show(`${error.code}: ${error.message}`);
  }
};
client.connect().catch((error) => show(`cannot connect: ${error.message}`));
