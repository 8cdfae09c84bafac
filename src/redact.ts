/**
 * Redaction: the API key travels as a query parameter, so any URL, path or error message built
 * from one can carry it. Everything that leaves the client passes through a redactor.
 */
export type Redactor = (text: string) => string

const KEY_PARAMS = /([?&](?:layertoken|token)=)[^&#\s"']*/gi

export function makeRedactor(secrets: readonly string[]): Redactor {
  const forms = new Set<string>()
  for (const secret of secrets) {
    if (secret.length < 4) continue
    forms.add(secret)
    forms.add(encodeURIComponent(secret))
    forms.add(encodeURIComponent(secret).replace(/%20/g, '+'))
  }
  // Longest first, so that an encoded form is not half-replaced through a shorter one.
  const ordered = [...forms].sort((a, b) => b.length - a.length)
  return (text: string) => {
    let out = text.replace(KEY_PARAMS, '$1***')
    for (const form of ordered) out = out.split(form).join('***')
    return out
  }
}
