import { useState } from 'preact/hooks';
import { api } from '../api';
import { Field, FormError } from '../components/Field';
import { Link, navigate, profilePath } from '../router';
import { setUser } from '../session';
import { useTitle } from '../util';
import { AuthLayout, splitErrors } from './AuthForm';

const FIELDS = ['handle', 'email', 'password', 'display_name'];

export function Signup() {
  useTitle('Sign up');
  const [handle, setHandle] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      const body: { handle: string; email: string; password: string; display_name?: string } = {
        handle: handle.trim(),
        email: email.trim(),
        password,
      };
      if (displayName.trim()) body.display_name = displayName.trim();
      const r = await api.signup(body);
      setUser(r.user);
      navigate(profilePath(r.user.handle));
    } catch (err) {
      const s = splitErrors(err, FIELDS);
      setErrors(s.fields);
      setFormError(s.form);
      setBusy(false);
    }
  };

  return (
    <AuthLayout title="Sign up for riff" subtitle="Make an account to follow creators and share your own riffs.">
      <form class="form" onSubmit={submit} noValidate>
        <FormError message={formError} />
        <Field
          id="handle"
          label="Handle"
          value={handle}
          onValue={setHandle}
          error={errors.handle}
          hint="3 to 24 letters, digits, _ or ."
          autocomplete="username"
          autocapitalize="none"
          spellcheck={false}
        />
        <Field
          id="email"
          label="Email"
          type="email"
          value={email}
          onValue={setEmail}
          error={errors.email}
          autocomplete="email"
          autocapitalize="none"
          spellcheck={false}
        />
        <Field
          id="password"
          label="Password"
          type="password"
          value={password}
          onValue={setPassword}
          error={errors.password}
          hint="At least 8 characters."
          autocomplete="new-password"
        />
        <Field
          id="display_name"
          label="Display name"
          value={displayName}
          onValue={setDisplayName}
          error={errors.display_name}
          hint="Optional. How your name appears on riff."
          autocomplete="name"
        />
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          Sign up
        </button>
      </form>
      <p class="auth-switch">
        Already have an account? <Link href="/login">Log in</Link>
      </p>
    </AuthLayout>
  );
}
