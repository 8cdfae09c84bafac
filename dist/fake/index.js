import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ // The require scope
/******/ var __nccwpck_require__ = {};
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  S7: () => (/* reexport */ DEFAULT_SCHEDULE),
  CM: () => (/* reexport */ DEFAULT_TOKEN),
  PL: () => (/* reexport */ FakeLayerCi),
  u_: () => (/* binding */ USAGE),
  AQ: () => (/* reexport */ internalStatus),
  iW: () => (/* binding */ main),
  Il: () => (/* binding */ parseFakeArgs),
  bL: () => (/* reexport */ scheduleTo)
});

;// CONCATENATED MODULE: external "node:url"
const external_node_url_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");
;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
;// CONCATENATED MODULE: ./fake/server.ts
/**
 * A fake LayerCI API for tests, the demo and the benchmark: a real HTTP server on 127.0.0.1
 * implementing ci-jobs.md (create, `latest` with its five filters) and the later webapp.io
 * dialect (`token`, `search` terms, `uuid`, runners), with jobs that move through the documented
 * statuses on a schedule, jobs created by others, and faults a test scripts per request.
 * Only node: built-ins, so its bundle runs without an install.
 */

const DONE_EXCLUDES = new Set(['NEW', 'STARTING_RUNNERS', 'RUNNING']);
const FAILED = new Set(['JOB_ERROR', 'BAD_LAYERFILE', 'FAILURE', 'RUNNER_ERROR']);
const DEFAULT_TOKEN = 'fake-layerci-key';
const DEFAULT_SCHEDULE = [
    { at: 0, calculated_status: 'NEW' },
    { at: 200, calculated_status: 'STARTING_RUNNERS' },
    { at: 400, calculated_status: 'RUNNING' },
    { at: 1500, calculated_status: 'SUCCEEDED' }
];
/** The internal `status` the API pairs with a calculated status. */
function internalStatus(calculated) {
    if (calculated === 'NEW' || calculated === 'STARTING_RUNNERS')
        return calculated;
    if (calculated === 'JOB_ERROR' || calculated === 'BAD_LAYERFILE')
        return 'ERROR';
    return 'SEE_RUNNERS';
}
/** A schedule that reaches `outcome` after `ms`. */
function scheduleTo(outcome, ms) {
    return [
        { at: 0, calculated_status: 'NEW' },
        { at: Math.min(50, ms / 4), calculated_status: 'RUNNING' },
        { at: ms, calculated_status: outcome }
    ];
}
function formatTime(ms) {
    return new Date(ms).toISOString().replace('T', ' ').replace('Z', '000 +0000 UTC');
}
class FakeLayerCi {
    requests = [];
    /** Called as each request arrives, before it is answered: lets a test move jobs between two requests. */
    beforeAnswer;
    token;
    dialect;
    repos = new Map();
    faults = [];
    server;
    sockets = new Set();
    noMatchStatus;
    emptyBranch;
    failed;
    notDone;
    port = 0;
    constructor(options = {}) {
        this.token = options.token ?? DEFAULT_TOKEN;
        this.dialect = options.dialect ?? 'layerci';
        this.noMatchStatus = options.noMatchStatus ?? 200;
        this.emptyBranch = options.emptyBranch ?? 'branchless';
        this.failed = new Set([...FAILED, ...(options.undocumentedFailed ?? [])]);
        this.notDone = new Set([...DONE_EXCLUDES, ...(options.undocumentedInFlight ?? [])]);
        for (const [name, config] of Object.entries(options.repos ?? { 'layerci-example': {} })) {
            this.repos.set(name, { config, jobs: [] });
        }
        this.server = (0,external_node_http_namespaceObject.createServer)((request, response) => {
            this.handle(request, response).catch(() => {
                response.statusCode = 500;
                response.end();
            });
        });
        this.server.on('connection', (socket) => {
            this.sockets.add(socket);
            socket.on('close', () => this.sockets.delete(socket));
        });
    }
    get url() {
        return `http://127.0.0.1:${this.port}`;
    }
    /** Listens on 127.0.0.1; rejects when the port cannot be listened on (in use, not allowed). */
    async start(port = 0) {
        await new Promise((resolve, reject) => {
            this.server.once('error', reject);
            this.server.listen(port, '127.0.0.1', () => {
                this.server.off('error', reject);
                resolve();
            });
        });
        const address = this.server.address();
        this.port = typeof address === 'object' && address ? address.port : port;
        return this;
    }
    async stop() {
        for (const socket of this.sockets)
            socket.destroy();
        await new Promise((resolve) => this.server.close(() => resolve()));
    }
    /** Adds a job as if someone else (a push, a teammate) had started it. */
    addJob(repo, spec = {}) {
        const entry = this.repo(repo);
        if (!entry)
            throw new Error(`fake: no repository ${repo}`);
        const calculated = spec.calculated_status ?? 'NEW';
        const job = this.makeJob(repo, this.nextId(entry), {
            commit_sha: spec.commit_sha ?? 'f'.repeat(40),
            branch: spec.branch ?? 'master',
            run_start_reason: spec.run_start_reason ?? 'Commit pushed to GitHub',
            schedule: spec.schedule ?? [{ at: 0, calculated_status: calculated, ...(spec.status ? { status: spec.status } : {}) }]
        });
        if (spec.runners)
            job.runners = spec.runners;
        if (spec.filterBranch !== undefined)
            job.filterBranch = spec.filterBranch;
        entry.jobs.push(job);
        return job.id;
    }
    /** Sets a job's status now, whatever its schedule says. */
    setStatus(repo, id, calculated, status) {
        const job = this.repo(repo)?.jobs.find((candidate) => candidate.id === id);
        if (!job)
            throw new Error(`fake: no job ${repo}/${id}`);
        job.override = { calculated_status: calculated, status: status ?? internalStatus(calculated) };
    }
    /** The next `times` requests to `endpoint` (for which `when` holds) meet `fault` instead of the API. */
    inject(endpoint, fault, times = 1, when) {
        this.faults.push(when ? { endpoint, fault, times, when } : { endpoint, fault, times });
    }
    /** The jobs of a repository as the API would show them now. */
    jobs(repo) {
        return (this.repo(repo)?.jobs ?? []).map((job) => this.view(job));
    }
    count(endpoint) {
        return this.requests.filter((request) => request.endpoint === endpoint).length;
    }
    nextId(entry) {
        return (entry.config.firstId ?? 1) + entry.jobs.length;
    }
    repo(name) {
        return this.repos.get(name);
    }
    makeJob(repo, id, fields) {
        const hex = id.toString(16).padStart(12, '0');
        return {
            repository_name: repo,
            id,
            uuid: `00000000-0000-4000-8000-${hex}`,
            createdAt: Date.now(),
            startedAt: performance.now(),
            merge_branch: fields.branch,
            ...fields
        };
    }
    current(job) {
        if (job.override)
            return { ...job.override, changedAt: Date.now() };
        const age = performance.now() - job.startedAt;
        let step = job.schedule[0] ?? { at: 0, calculated_status: 'NEW' };
        for (const candidate of job.schedule)
            if (candidate.at <= age)
                step = candidate;
        return {
            calculated_status: step.calculated_status,
            status: step.status ?? internalStatus(step.calculated_status),
            changedAt: job.createdAt + step.at
        };
    }
    view(job) {
        const now = this.current(job);
        const view = {
            repository_name: job.repository_name,
            id: job.id,
            status: now.status,
            status_change_time: formatTime(now.changedAt),
            calculated_status: now.calculated_status,
            commit_sha: job.commit_sha,
            branch: job.branch,
            merge_branch: job.merge_branch,
            run_start_reason: job.run_start_reason,
            run_start_reason_url: ''
        };
        if (this.dialect === 'webappio')
            view.uuid = job.uuid;
        return view;
    }
    runnersOf(job, config) {
        if (job.runners)
            return job.runners;
        if (config.runners)
            return config.runners;
        const calculated = this.current(job).calculated_status;
        const main = {
            id: 'main-layerfile-1',
            layerfile_relative_path: 'Layerfile',
            status: 'SUCCESS',
            was_retried: false,
            runner_index: 1
        };
        if (calculated === 'SUCCEEDED')
            return [main];
        const failed = calculated === 'RUNNER_CANCELLED' ? 'CANCELLED' : calculated === 'RUNNER_ERROR' ? 'ERROR' : 'FAILURE';
        return [main, { id: 'e2e-tests-2', layerfile_relative_path: 'e2e/Layerfile', status: failed, was_retried: false, runner_index: 2 }];
    }
    matchesLatest(job, query) {
        const now = this.current(job);
        if (query.calculated_status !== undefined && now.calculated_status !== query.calculated_status)
            return false;
        if (query.status !== undefined && now.status !== query.status)
            return false;
        const anyBranch = query.branch === '' && this.emptyBranch === 'any';
        if (query.branch !== undefined && !anyBranch && (job.filterBranch ?? job.branch) !== query.branch)
            return false;
        if (query.done === 'true' && this.notDone.has(now.calculated_status))
            return false;
        if (query.failed === 'true' && !this.failed.has(now.calculated_status))
            return false;
        return true;
    }
    matchesSearch(job, terms) {
        const now = this.current(job);
        return terms.every((term) => {
            const [key, ...rest] = term.split(':');
            const value = rest.join(':');
            switch (key?.toLowerCase()) {
                case 'repo':
                    return job.repository_name === value;
                case 'branch':
                    return job.branch === value;
                case 'id':
                    return String(job.id) === value;
                case 'status':
                    return now.calculated_status.toLowerCase() === value.toLowerCase();
                case 'done':
                    return !this.notDone.has(now.calculated_status);
                case 'failed':
                    return this.failed.has(now.calculated_status);
                default:
                    return false;
            }
        });
    }
    takeFault(request) {
        const index = this.faults.findIndex((entry) => (entry.endpoint === 'any' || entry.endpoint === request.endpoint) && (entry.when?.(request) ?? true));
        if (index < 0)
            return undefined;
        const entry = this.faults[index];
        if (!entry)
            return undefined;
        entry.times--;
        if (entry.times <= 0)
            this.faults.splice(index, 1);
        return entry.fault;
    }
    async handle(request, response) {
        const at = performance.now();
        const url = new URL(request.url ?? '/', 'http://fake');
        const chunks = [];
        for await (const chunk of request)
            chunks.push(chunk);
        const text = Buffer.concat(chunks).toString('utf8');
        let body;
        try {
            body = text ? JSON.parse(text) : {};
        }
        catch {
            body = text;
        }
        const query = Object.fromEntries(url.searchParams.entries());
        const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
        // /api/v1/run/{repo}[/latest|/search] · /api/v1/jobs/github/{owner}/{repo}/latest · /api/v1/runners/{repo}/{uuid}
        let endpoint = 'other';
        let repoName = '';
        if (parts[0] === 'api' && parts[1] === 'v1') {
            if (parts[2] === 'run' && parts.length === 4 && request.method === 'POST')
                [endpoint, repoName] = ['create', parts[3] ?? ''];
            else if (parts[2] === 'run' && parts.length === 5 && parts[4] === 'latest')
                [endpoint, repoName] = ['latest', parts[3] ?? ''];
            else if (parts[2] === 'run' && parts.length === 5 && parts[4] === 'search')
                [endpoint, repoName] = ['search', parts[3] ?? ''];
            else if (parts[2] === 'jobs' && parts[3] === 'github' && parts.length === 7 && parts[6] === 'latest')
                [endpoint, repoName] = ['latest', parts[5] ?? ''];
            else if (parts[2] === 'runners' && parts.length === 5)
                [endpoint, repoName] = ['runners', parts[3] ?? ''];
        }
        const recorded = { method: request.method ?? '', endpoint, path: url.pathname, query, body, at };
        this.requests.push(recorded);
        this.beforeAnswer?.(recorded);
        const send = (status, payload, headers = {}) => {
            response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
            response.end(JSON.stringify(payload));
        };
        const error = (status, message) => send(status, { status: 'error', error: message });
        const fault = this.takeFault(recorded);
        if (fault && fault.kind !== 'created-then-502' && fault.kind !== 'created-then-reset') {
            switch (fault.kind) {
                case 'status':
                    response.writeHead(fault.status, {
                        'Content-Type': 'text/plain',
                        ...(fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {})
                    });
                    response.end(fault.body ?? `fake fault ${fault.status}`);
                    return;
                case 'reset':
                    request.socket.destroy();
                    return;
                case 'hang':
                    return;
                case 'body':
                    response.writeHead(fault.status ?? 200, { 'Content-Type': 'text/html' });
                    response.end(fault.body);
                    return;
                case 'truncated':
                    response.writeHead(200, { 'Content-Type': 'application/json' });
                    response.end('{"status":"ok","job":{"id":');
                    return;
            }
        }
        if (endpoint === 'other')
            return error(404, 'not found');
        const keyParam = this.dialect === 'webappio' ? 'token' : 'layertoken';
        if (query[keyParam] !== this.token)
            return error(401, 'invalid API key');
        const entry = this.repo(repoName);
        if (!entry)
            return error(404, `repository ${repoName} not found`);
        if (endpoint === 'create') {
            const fields = typeof body === 'object' && body !== null ? body : {};
            const branch = typeof fields.branch === 'string' ? fields.branch : 'master';
            const ref = typeof fields.ref === 'string' ? fields.ref : '0'.repeat(40);
            if (!/^[\w./-]+$/.test(branch))
                return error(400, `invalid branch ${branch}`);
            const job = this.makeJob(repoName, this.nextId(entry), {
                commit_sha: ref,
                branch: entry.config.createdBranch ?? branch,
                run_start_reason: 'Manual run created by API',
                schedule: entry.config.schedule ?? DEFAULT_SCHEDULE
            });
            if (typeof fields.extra === 'string')
                job.extra = fields.extra;
            if (entry.config.filterBranch !== undefined)
                job.filterBranch = entry.config.filterBranch;
            entry.jobs.push(job);
            if (fault?.kind === 'created-then-502')
                return error(502, 'bad gateway');
            if (fault?.kind === 'created-then-reset') {
                request.socket.destroy();
                return;
            }
            return send(200, {
                status: 'ok',
                job: this.view(job),
                url: `${this.url}/jobs/github/${entry.config.owner ?? 'fake-owner'}/${repoName}/${job.id}`
            });
        }
        if (endpoint === 'runners') {
            const job = entry.jobs.find((candidate) => candidate.uuid === parts[4]);
            if (!job)
                return error(200, `There is no run for ${repoName} matching uuid ${parts[4] ?? ''}.`);
            return send(200, { status: 'ok', runners: this.runnersOf(job, entry.config) });
        }
        const newestFirst = [...entry.jobs].sort((a, b) => b.id - a.id);
        const found = endpoint === 'latest'
            ? newestFirst.find((job) => this.matchesLatest(job, query))
            : newestFirst.find((job) => this.matchesSearch(job, (query.search ?? '').split(/\s+/).filter(Boolean)));
        if (!found) {
            const message = endpoint === 'search'
                ? `There are no runs in ${entry.config.owner ?? 'fake-owner'}/${repoName} matching the given filters.`
                : 'no job found';
            return error(this.noMatchStatus, message);
        }
        return send(200, { status: 'ok', job: this.view(found) });
    }
}

;// CONCATENATED MODULE: ./fake/index.ts
/**
 * The fake LayerCI as a module (tests, demo, benchmark) and as a command, for a workflow step or
 * a shell: `node dist/fake/index.js --help`. It prints `LAYERCI_API_URL=...` and `LAYERCI_TOKEN=...`,
 * the two variables `layerci-run` reads, and serves until stopped. Importing it starts nothing.
 */




const USAGE = `Usage: node dist/fake/index.js [options]

Serves a fake LayerCI API on 127.0.0.1 until SIGINT or SIGTERM, and prints
LAYERCI_API_URL=... and LAYERCI_TOKEN=... lines: the environment layerci-run
reads (export them, or append them to $GITHUB_ENV in a workflow). The key is
always fake-layerci-key: with --port, both lines are known in advance.
Each job created through it goes NEW, RUNNING, then --outcome after --duration.

Options:
  --port N              port to listen on, 0 for any free port (default 0)
  --dialect NAME        layerci or webappio (default layerci)
  --outcome STATUS      final calculated status of created jobs, e.g. SUCCEEDED,
                        FAILURE, JOB_ERROR (default SUCCEEDED)
  --duration MS         milliseconds from creation to the outcome (default 1500)
  --repository NAME     the repository name jobs are created for (default layerci-example)
  --owner NAME          its owner, used in job URLs (default fake-owner)
  -h, --help            show this help

Exit codes: 0 stopped by a signal, or --help; 1 could not listen; 2 bad usage.
`;
class UsageError extends Error {
}
const DIALECTS = ['layerci', 'webappio'];
const NAME = /^[A-Za-z0-9][\w.-]*$/;
function wholeNumber(flag, value, max, what) {
    if (!/^\d{1,15}$/.test(value) || Number(value) > max)
        throw new UsageError(`--${flag} "${value}" is not ${what}`);
    return Number(value);
}
function fake_name(flag, value) {
    if (!NAME.test(value))
        throw new UsageError(`--${flag} "${value}" is not a name (letters, digits, '.', '_', '-')`);
    return value;
}
const FLAGS = {
    port: { type: 'string', default: '0' },
    dialect: { type: 'string', default: 'layerci' },
    outcome: { type: 'string', default: 'SUCCEEDED' },
    duration: { type: 'string', default: '1500' },
    repository: { type: 'string', default: 'layerci-example' },
    owner: { type: 'string', default: 'fake-owner' },
    help: { type: 'boolean', short: 'h', default: false }
};
function flags(argv) {
    try {
        return (0,external_node_util_namespaceObject.parseArgs)({ args: argv, options: FLAGS, strict: true, allowPositionals: false }).values;
    }
    catch (error) {
        // node's messages: "Unknown option '--x'. To specify a positional argument ...": keep the first sentence.
        // (Not `instanceof Error`: under a test runner's VM context, node's errors come from another realm.)
        const message = typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
        throw new UsageError((message.split('\n')[0] ?? '').split('. ')[0]?.replace(/\.$/, '') ?? '');
    }
}
/** The options of the command line; throws UsageError on anything it does not accept. */
function parseFakeArgs(argv) {
    const values = flags(argv);
    if (values.help)
        return 'help';
    const dialect = values.dialect;
    if (!DIALECTS.includes(dialect))
        throw new UsageError(`--dialect "${values.dialect}" is not one of ${DIALECTS.join(', ')}`);
    if (!/^[A-Z][A-Z_]*$/.test(values.outcome)) {
        throw new UsageError(`--outcome "${values.outcome}" is not a calculated status such as SUCCEEDED or FAILURE`);
    }
    return {
        port: wholeNumber('port', values.port, 65535, 'a port number (0 to 65535)'),
        dialect,
        outcome: values.outcome,
        durationMs: wholeNumber('duration', values.duration, 24 * 3600 * 1000, 'a number of milliseconds (0 to 86400000)'),
        repository: fake_name('repository', values.repository),
        owner: fake_name('owner', values.owner)
    };
}
/**
 * The command: prints the usage, or a one-line error (exit 2 for bad usage, 1 when the port
 * cannot be listened on), or starts the fake, prints its URL and key, and returns it running.
 */
async function main(argv, io) {
    let options;
    try {
        options = parseFakeArgs(argv);
    }
    catch (error) {
        if (!(error instanceof UsageError))
            throw error;
        io.stderr.write(`fake LayerCI: error: ${error.message} (see --help)\n`);
        return { code: 2 };
    }
    if (options === 'help') {
        io.stdout.write(USAGE);
        return { code: 0 };
    }
    const fake = new FakeLayerCi({
        dialect: options.dialect,
        repos: { [options.repository]: { owner: options.owner, schedule: scheduleTo(options.outcome, options.durationMs) } }
    });
    try {
        await fake.start(options.port);
    }
    catch (error) {
        const reason = error.code ?? String(error);
        io.stderr.write(`fake LayerCI: error: cannot listen on 127.0.0.1:${options.port} (${reason})\n`);
        return { code: 1 };
    }
    io.stdout.write(`LAYERCI_API_URL=${fake.url}\nLAYERCI_TOKEN=${fake.token}\n`);
    return { code: undefined, fake };
}
if (process.argv[1] && import.meta.url === (0,external_node_url_namespaceObject.pathToFileURL)(process.argv[1]).href) {
    void main(process.argv.slice(2), process).then((result) => {
        if (result.code !== undefined) {
            process.exitCode = result.code;
            return;
        }
        const stop = () => {
            void result.fake.stop().then(() => process.exit(0));
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
    });
}

var __webpack_exports__DEFAULT_SCHEDULE = __webpack_exports__.S7;
var __webpack_exports__DEFAULT_TOKEN = __webpack_exports__.CM;
var __webpack_exports__FakeLayerCi = __webpack_exports__.PL;
var __webpack_exports__USAGE = __webpack_exports__.u_;
var __webpack_exports__internalStatus = __webpack_exports__.AQ;
var __webpack_exports__main = __webpack_exports__.iW;
var __webpack_exports__parseFakeArgs = __webpack_exports__.Il;
var __webpack_exports__scheduleTo = __webpack_exports__.bL;
export { __webpack_exports__DEFAULT_SCHEDULE as DEFAULT_SCHEDULE, __webpack_exports__DEFAULT_TOKEN as DEFAULT_TOKEN, __webpack_exports__FakeLayerCi as FakeLayerCi, __webpack_exports__USAGE as USAGE, __webpack_exports__internalStatus as internalStatus, __webpack_exports__main as main, __webpack_exports__parseFakeArgs as parseFakeArgs, __webpack_exports__scheduleTo as scheduleTo };
