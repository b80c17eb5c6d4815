import { useState } from 'preact/hooks';
import { api } from '../api';
import { Field, FormError } from '../components/Field';
import { Link, navigate, profilePath } from '../router';
import { setUser } from '../session';
import { useTitle } from '../util';
import { AuthLayout, splitErrors } from './AuthForm';

export function Login() {
  useTitle('Log in');
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
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
      const r = await api.login({ login: login.trim(), password });
      setUser(r.user);
      navigate(profilePath(r.user.handle));
    } catch (err) {
      const s = splitErrors(err, ['login', 'password']);
      setErrors(s.fields);
      setFormError(s.form);
      setBusy(false);
    }
  };

  return (
    <AuthLayout title="Log in to riff" subtitle="Welcome back. Pick up where you left off.">
      <form class="form" onSubmit={submit} noValidate>
        <FormError message={formError} />
        <Field
          id="login"
          label="Handle or email"
          value={login}
          onValue={setLogin}
          error={errors.login}
          autocomplete="username"
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
          autocomplete="current-password"
        />
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          Log in
        </button>
      </form>
      <p class="auth-switch">
        Don't have an account? <Link href="/signup">Sign up</Link>
      </p>
    </AuthLayout>
  );
}
