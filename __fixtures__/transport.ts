import type { HttpRequest, HttpResponse, Transport } from '../src/transport.js'
import { NetworkError } from '../src/transport.js'

export type Scripted = HttpResponse | NetworkError | ((request: HttpRequest) => HttpResponse | NetworkError)

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers, body: JSON.stringify(body) }
}

export function job(id: number, calculated_status: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, calculated_status, status: 'SEE_RUNNERS', commit_sha: 'a'.repeat(40), branch: 'main', ...extra }
}

/** A transport that answers from a script, in order, and records every request. */
export class ScriptedTransport implements Transport {
  readonly requests: HttpRequest[] = []
  constructor(private readonly script: Scripted[]) {}

  send(request: HttpRequest): Promise<HttpResponse> {
    this.requests.push(request)
    const next = this.script.shift()
    if (next === undefined) return Promise.reject(new Error(`no scripted answer for ${request.method} ${request.url}`))
    try {
      const answer = typeof next === 'function' ? next(request) : next
      return answer instanceof NetworkError ? Promise.reject(answer) : Promise.resolve(answer)
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }
}
