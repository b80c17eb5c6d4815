import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, errorMessage, type FollowRequest, type UserMe, type UserSummary } from '../api';
import { Avatar } from '../components/Avatar';
import { Field, FormError } from '../components/Field';
import { LoadMore } from '../components/LoadMore';
import { PageHeader } from '../components/PageHeader';
import { UserRow } from '../components/UserRow';
import { navigate } from '../router';
import { setUser } from '../session';
import { toast } from '../toast';
import { usePaged } from '../usePaged';
import { codePoints, useTitle } from '../util';
import { InterestsSection } from '../video/Interests';
import { splitErrors } from './AuthForm';

const AVATAR_MAX = 2 * 1024 * 1024;
const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

export function Settings({ user }: { user: UserMe }) {
  useTitle('Settings');
  return (
    <>
      <PageHeader title="Settings" back />
      <div class="settings">
        <AvatarSection user={user} />
        <ProfileForm user={user} />
        <PrivacySection user={user} />
        <InterestsSection userId={user.id} />
        <FollowRequests />
        <BlockedAccounts />
        <LogoutSection />
      </div>
    </>
  );
}

function avatarErrorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 413) return 'That image is too large. Avatars can be at most 2 MB.';
    if (e.status === 415) return "That file type isn't supported. Use a PNG, JPEG or WebP image.";
  }
  return errorMessage(e);
}

function AvatarSection({ user }: { user: UserMe }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const upload = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    setError(null);
    // The server enforces both limits too (413/415); checking here saves an upload.
    if (file.size > AVATAR_MAX) {
      setError(avatarErrorText(new ApiError({ status: 413 })));
      return;
    }
    if (file.type && !AVATAR_TYPES.includes(file.type)) {
      setError(avatarErrorText(new ApiError({ status: 415 })));
      return;
    }
    setBusy(true);
    try {
      setUser(await api.uploadAvatar(file));
      toast('Avatar updated');
    } catch (e) {
      setError(avatarErrorText(e));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      setUser(await api.deleteAvatar());
      toast('Avatar removed');
    } catch (e) {
      setError(avatarErrorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card avatar-section" aria-labelledby="avatar-heading">
      <h2 id="avatar-heading" class="visually-hidden">
        Avatar
      </h2>
      <Avatar user={user} size={88} />
      <div class="avatar-actions">
        <input
          id="avatar"
          name="avatar"
          type="file"
          accept={AVATAR_TYPES.join(',')}
          class="visually-hidden"
          disabled={busy}
          aria-describedby={error ? 'avatar-error' : undefined}
          onChange={(e) => upload(e.currentTarget)}
        />
        <label for="avatar" class={`btn btn-secondary${busy ? ' disabled' : ''}`}>
          {busy ? 'Uploading…' : 'Upload avatar'}
        </label>
        {user.avatar_url && (
          <button type="button" class="btn btn-ghost" disabled={busy} onClick={remove}>
            Remove avatar
          </button>
        )}
        <p class="field-hint">PNG, JPEG or WebP, up to 2 MB.</p>
        {error && (
          <p id="avatar-error" class="field-error" role="alert" data-testid="avatar-error">
            {error}
          </p>
        )}
      </div>
    </section>
  );
}

function ProfileForm({ user }: { user: UserMe }) {
  const [displayName, setDisplayName] = useState(user.display_name);
  const [bio, setBio] = useState(user.bio);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrors({});
    setFormError(null);
    setStatus(null);
    try {
      setUser(await api.updateMe({ display_name: displayName.trim(), bio }));
      setStatus('Saved');
    } catch (err) {
      const s = splitErrors(err, ['display_name', 'bio']);
      setErrors(s.fields);
      setFormError(s.form);
    } finally {
      setBusy(false);
    }
  };

  const bioLen = codePoints(bio);
  return (
    <form class="card form" onSubmit={save} noValidate aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <FormError message={formError} />
      <Field
        id="display_name"
        label="Display name"
        value={displayName}
        onValue={(v) => {
          setDisplayName(v);
          setStatus(null);
        }}
        error={errors.display_name}
        autocomplete="name"
      />
      <Field
        id="bio"
        label="Bio"
        multiline
        rows={3}
        value={bio}
        onValue={(v) => {
          setBio(v);
          setStatus(null);
        }}
        error={errors.bio}
        hint={`${bioLen}/160`}
      />
      <div class="form-row">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          Save
        </button>
        {status && (
          <span class="save-status" role="status" data-testid="save-status">
            {status}
          </span>
        )}
      </div>
    </form>
  );
}

function PrivacySection({ user }: { user: UserMe }) {
  const [busy, setBusy] = useState(false);
  const [checked, setChecked] = useState(user.is_private);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setChecked(user.is_private), [user.is_private]);

  const toggle = async (next: boolean) => {
    setChecked(next);
    setBusy(true);
    setError(null);
    try {
      const me = await api.updateMe({ is_private: next });
      setUser(me);
      setChecked(me.is_private);
      toast(me.is_private ? 'Your account is now private' : 'Your account is now public');
    } catch (e) {
      setChecked(!next);
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="privacy-heading">
      <h2 id="privacy-heading">Privacy</h2>
      <div class="switch-row">
        <div class="switch-label">
          <label for="is_private">Private account</label>
          <p id="is_private-hint" class="field-hint">
            Only people you approve can follow you and see your videos and followers.
          </p>
        </div>
        <input
          aria-describedby="is_private-hint"
          id="is_private"
          name="is_private"
          type="checkbox"
          role="switch"
          class="switch"
          checked={checked}
          disabled={busy}
          onChange={(e) => toggle(e.currentTarget.checked)}
        />
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function FollowRequests() {
  const list = usePaged<FollowRequest>('follow-requests', (p) => api.followRequests(p));
  const [pending, setPending] = useState<Record<string, boolean>>({});

  const decide = async (r: FollowRequest, approve: boolean) => {
    setPending((m) => ({ ...m, [r.user.id]: true }));
    try {
      await (approve ? api.approveRequest(r.user.id) : api.declineRequest(r.user.id));
      list.setItems((items) => items.filter((x) => x.user.id !== r.user.id));
      toast(approve ? `@${r.user.handle} can now follow you` : `Declined @${r.user.handle}`);
      if (approve) void api.me().then(setUser, () => {});
    } catch (e) {
      toast(errorMessage(e));
    } finally {
      setPending((m) => {
        const n = { ...m };
        delete n[r.user.id];
        return n;
      });
    }
  };

  return (
    <section class="card" id="follow-requests" aria-labelledby="requests-heading">
      <h2 id="requests-heading">Follow requests</h2>
      {list.loaded && !list.error && list.items.length === 0 && <p class="muted">No pending requests.</p>}
      <ul class="user-list" aria-label="Follow requests">
        {list.items.map((r) => (
          <UserRow key={r.user.id} user={r.user}>
            <button
              type="button"
              class="btn btn-primary btn-small"
              disabled={pending[r.user.id]}
              onClick={() => decide(r, true)}
            >
              Approve
            </button>
            <button
              type="button"
              class="btn btn-secondary btn-small"
              disabled={pending[r.user.id]}
              onClick={() => decide(r, false)}
            >
              Decline
            </button>
          </UserRow>
        ))}
      </ul>
      <LoadMore list={list} />
    </section>
  );
}

function BlockedAccounts() {
  const list = usePaged<UserSummary>('blocks', (p) => api.blocks(p));
  const unblock = async (u: UserSummary) => {
    try {
      await api.unblock(u.handle);
      list.setItems((items) => items.filter((x) => x.id !== u.id));
      toast(`You unblocked @${u.handle}.`);
    } catch (e) {
      toast(errorMessage(e));
    }
  };
  if (list.loaded && !list.error && list.items.length === 0) return null;
  return (
    <section class="card" aria-labelledby="blocked-heading">
      <h2 id="blocked-heading">Blocked accounts</h2>
      <ul class="user-list" aria-label="Blocked accounts">
        {list.items.map((u) => (
          <UserRow key={u.id} user={u}>
            <button type="button" class="btn btn-secondary btn-small" onClick={() => unblock(u)}>
              Unblock
            </button>
          </UserRow>
        ))}
      </ul>
      <LoadMore list={list} />
    </section>
  );
}

function LogoutSection() {
  const [busy, setBusy] = useState(false);
  const logout = async () => {
    setBusy(true);
    try {
      await api.logout();
    } catch (e) {
      // A 401 means the session is already gone; anything else is worth telling.
      if (!(e instanceof ApiError && e.status === 401)) {
        toast(errorMessage(e));
        setBusy(false);
        return;
      }
    }
    setUser(null);
    navigate('/login');
  };
  return (
    <section class="card">
      <button type="button" class="btn btn-danger btn-block" disabled={busy} onClick={logout}>
        Log out
      </button>
    </section>
  );
}
