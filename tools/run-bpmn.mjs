// Runs Waymark's BPMN exports in bpmn-engine, an open-source BPMN engine, with FEEL evaluated by
// feelin (the FEEL interpreter bpmn.io maintains), to show that a process engine can run them.
//
// For each file it drives cases until every flow out of every exclusive gateway has been taken
// (each outcome of each decision, each fact branch and each default), and every case reaches
// an end. Facts are tried with the values the conditions name (and unknown); the outcome of a
// decision is set when its task is completed, choosing an outcome not yet taken. Timers do not
// fire by themselves (the fake clock below holds them). Then one deadline timer is fired: its
// due date is set, the time it was set for is checked against the day after the due date in UK
// time, and the escalation end event it leads to must be reached while its task goes on.
//
// Checkpoints are event subprocesses started by a timer, as Camunda 8 runs them. bpmn-engine
// starts an event subprocess only on a message or signal, so the runner does what Camunda does
// when the checkpoint's scope starts: it starts the event subprocess, whose timer start event
// then sets its timer. The timer is checked against the checkpoint's due date (it fires on
// that day, UK time) and fired while the case is still open: the checkpoint's task must run to
// the subprocess's end while the case's own task goes on, and the case must still reach an end.
//
// Usage: node tools/run-bpmn.mjs FILE...   Prints one line per file; exit 0 when all pass.
import { readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import { Timers } from 'bpmn-elements';
import { evaluate } from 'feelin';
import { BpmnModdle } from 'bpmn-moddle';

const FAR = '2099-12-31';

// UTC milliseconds of a wall-clock time in a time zone.
function zonedToUtc(fields, zone) {
  const guess = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
  const offsetAt = (ms) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
        hour: '2-digit', minute: '2-digit', second: '2-digit',
      }).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
    const wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
    return wall - ms;
  };
  let utc = guess - offsetAt(guess);
  utc = guess - offsetAt(utc);
  return utc;
}

// A FEEL value as the engine wants it: a date and time becomes an ISO string in UTC.
function plain(value) {
  if (value && typeof value === 'object' && 'hour' in value && 'year' in value) {
    const zone = value.timezone || 'UTC';
    return new Date(zonedToUtc(value, zone)).toISOString();
  }
  return value;
}

// bpmn-engine asks this to resolve every expression; `=...` is FEEL, anything else (an ISO
// duration or cycle) is taken as written.
const expressions = {
  resolveExpression(expression, from) {
    if (typeof expression !== 'string' || !expression.startsWith('=')) return expression;
    const variables = { ...(from?.environment?.variables ?? {}) };
    const { value } = evaluate(expression.slice(1), variables);
    return plain(value);
  },
};

// A clock that never fires by itself: the runner fires the timers it chooses.
function heldTimers() {
  const held = new Map();
  let next = 0;
  const timers = new Timers({
    setTimeout(fn, delay, ...args) {
      const handle = { id: next++ };
      held.set(handle, { fn, args, delay });
      return handle;
    },
    clearTimeout(handle) {
      held.delete(handle);
    },
  });
  return { timers, held };
}

// What the file holds: gateways and their flows, decision tasks, timers.
async function describe(xml) {
  const { rootElement } = await new BpmnModdle().fromXML(xml);
  const process = rootElement.rootElements.find((e) => e.$type === 'bpmn:Process');
  const elements = new Map();
  const walk = (container) => {
    for (const element of container.flowElements ?? []) {
      elements.set(element.id, element);
      if (element.flowElements) walk(element);
    }
  };
  walk(process);
  const branches = [];
  const decisions = new Map(); // task id -> { variable, outcomes: [[value, flow id]] }
  const facts = new Map(); // fact -> Set of candidate values
  const addFact = (name, value) => {
    if (!facts.has(name)) facts.set(name, new Set([null]));
    facts.get(name).add(value);
  };
  for (const element of elements.values()) {
    if (element.$type !== 'bpmn:ExclusiveGateway' || (element.outgoing ?? []).length < 2) continue;
    for (const flow of element.outgoing) {
      branches.push(flow.id);
      let body = flow.conditionExpression?.body ?? '';
      // A decision's route may test a condition of its own after the outcome
      // (`=d = "section47" and (age = "under_16")`): the facts it names are tried too.
      const outcome = body.match(/^=(\w+) = "([^"]*)"(?: and (.+))?$/);
      const task = (element.incoming ?? [])[0]?.sourceRef;
      // A decision's task is named after its outcome variable (Activity_<decision id>); a
      // condition on a fact of the same shape is not a decision.
      if (outcome && task?.$type === 'bpmn:UserTask' && task.id === `Activity_${outcome[1]}`) {
        const decision = decisions.get(task.id) ?? { variable: outcome[1], outcomes: [] };
        decision.outcomes.push([outcome[2], flow.id]);
        decisions.set(task.id, decision);
        if (outcome[3] === undefined) continue;
        body = outcome[3];
      }
      for (const [, name, value] of body.matchAll(/(\w+) (?:=|!=) "([^"]*)"/g)) addFact(name, value);
      for (const [, name, op, number] of body.matchAll(/(\w+) (>=|<=|<|>|=) (\d+)\b/g)) {
        const n = Number(number);
        addFact(name, n);
        addFact(name, op.startsWith('>') ? n - 1 : n + 1);
      }
      for (const [, name, date] of body.matchAll(/date\((\w+)\) (?:>=|<=|<|>|=|!=) date\("([^"]*)"\)/g)) {
        addFact(name, date);
        const after = new Date(`${date}T00:00:00Z`);
        after.setUTCDate(after.getUTCDate() + 1);
        addFact(name, after.toISOString().slice(0, 10));
      }
      for (const [, name] of body.matchAll(/(\w+) = (?:true|false)\b/g)) {
        addFact(name, true);
        addFact(name, false);
      }
    }
  }
  // Every due-date variable a timer reads.
  const dues = new Set();
  for (const match of xml.matchAll(/\b((?:due|next)_\w+)\b/g)) dues.add(match[1]);
  const timers = [...elements.values()].filter(
    (e) => e.$type === 'bpmn:BoundaryEvent' && e.eventDefinitions?.[0]?.timeDate?.body?.includes('due_'),
  );
  // Recurring work: a cycle timer on the step it recurs during.
  const cycles = [...elements.values()].filter(
    (e) => e.$type === 'bpmn:BoundaryEvent' && e.eventDefinitions?.[0]?.timeCycle,
  );
  // Checkpoints: event subprocesses that a timer starts.
  const checkpoints = [...elements.values()].filter(
    (e) => e.$type === 'bpmn:SubProcess' && e.triggeredByEvent
      && (e.flowElements ?? []).some((c) => c.$type === 'bpmn:StartEvent' && c.eventDefinitions?.[0]?.timeDate),
  );
  return { elements, branches, decisions, facts, dues, timers, cycles, checkpoints };
}

// Every combination of fact values, at most `limit`.
function combinations(facts, limit) {
  let all = [{}];
  for (const [name, values] of facts) {
    const next = [];
    for (const partial of all) {
      for (const value of values) {
        if (next.length < limit) next.push({ ...partial, [name]: value });
      }
    }
    all = next;
  }
  return all;
}

// Runs one case; returns the flows taken, the end events reached and how it ended.
// How often each decision flow was chosen, over every case of a file: among outcomes already
// taken, the least chosen comes next, so that later cases go on to the branches beyond them.
let chosenCount = new Map();

async function runCase(xml, info, variables, taken, options = {}) {
  const { timers, held } = heldTimers();
  const engine = new Engine({ name: 'waymark', source: xml, expressions, timers });
  const listener = new EventEmitter();
  const flows = [];
  const ends = [];
  const waiting = [];
  const timerSet = new Map();
  listener.on('flow.take', (api) => flows.push(api.id));
  listener.on('activity.end', (api) => ends.push(api.id));
  listener.on('activity.timer', (api) => timerSet.set(api.id, api.content.expireAt));
  listener.on('wait', (api) => waiting.push(api));
  let outcome = null;
  const finished = new Promise((resolve) => {
    engine.once('end', () => resolve('end'));
    engine.once('error', (error) => resolve(`error: ${error.message}`));
  });
  finished.then((how) => { outcome = how; });
  const execution = await engine.execute({ listener, variables: { ...variables } });
  if (options.arm) {
    // The checkpoint's scope has started: Camunda arms its event subprocess's timer now.
    const checkpoint = execution.getActivityById(options.arm);
    if (!checkpoint) return { how: `no running ${options.arm}`, flows, ends, timerSet };
    checkpoint.run();
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  let steps = 0;
  const timesTaken = new Map();
  while (outcome === null && steps < 400) {
    await settle();
    if (outcome !== null) break;
    if (options.fire && timerSet.has(options.fire) && !options.fired) {
      // Fire the chosen timer, as the clock would at its time.
      // bpmn-elements keeps every timer it has set, with the element id in its arguments
      // (a timer further off than setTimeout can count is kept there only).
      const refs = timers.executing.filter((ref) => ref.args?.[0]?.id === options.fire);
      if (refs.length !== 1) return { how: `timer ${options.fire} not held (${refs.length})`, flows, ends, timerSet };
      options.fired = { expireAt: timerSet.get(options.fire), waitingBefore: waiting.map((w) => w.id) };
      timers.clearTimeout(refs[0]);
      refs[0].callback(...refs[0].args);
      await settle();
      options.fired.waitingAfter = waiting.map((w) => w.id);
      options.fired.waitingBefore = options.fired.waitingBefore ?? [];
      options.fired.ends = [...ends];
      continue;
    }
    const api = waiting.shift();
    if (!api) { await settle(); steps += 1; continue; }
    steps += 1;
    const decision = info.decisions.get(api.id);
    if (decision) {
      // Prefer an outcome not yet taken in any case, then the one taken least in this case.
      const ranked = [...decision.outcomes].sort(([, a], [, b]) => {
        const fresh = (taken.has(a) ? 1 : 0) - (taken.has(b) ? 1 : 0);
        if (fresh !== 0) return fresh;
        const here = (timesTaken.get(a) ?? 0) - (timesTaken.get(b) ?? 0);
        if (here !== 0) return here;
        return (chosenCount.get(a) ?? 0) - (chosenCount.get(b) ?? 0);
      });
      const [value, flow] = ranked[0];
      timesTaken.set(flow, (timesTaken.get(flow) ?? 0) + 1);
      chosenCount.set(flow, (chosenCount.get(flow) ?? 0) + 1);
      api.environment.variables[decision.variable] = value;
    }
    api.signal();
  }
  await settle();
  return { how: outcome ?? `no end after ${steps} steps`, flows, ends, timerSet };
}

let failed = 0;
for (const file of process.argv.slice(2)) {
  const xml = readFileSync(file, 'utf8');
  const problems = [];
  try {
    const info = await describe(xml);
    const base = Object.fromEntries([...info.dues].map((d) => [d, FAR]));
    chosenCount = new Map();
    const taken = new Set();
    const deadlines = new Set(info.timers.map((t) => t.id));
    let cases = 0;
    // The first case that sets a deadline timer, to run again with that timer firing.
    let chosen = null;
    for (const facts of combinations(info.facts, 256)) {
      // Run this set of facts again while it still takes a branch not taken before.
      let idle = 0;
      const rounds = info.branches.length === 0 ? 1 : 200;
      for (let again = 0; again < rounds && idle < 12; again += 1) {
        const before = taken.size;
        const snapshot = new Set(taken);
        const counts = new Map(chosenCount);
        const result = await runCase(xml, info, { ...base, ...facts }, taken);
        const timer = [...result.timerSet.keys()].find((t) => deadlines.has(t));
        if (timer && !chosen) chosen = { timer: info.elements.get(timer), facts, snapshot, counts };
        cases += 1;
        if (result.how !== 'end') {
          problems.push(`case with ${JSON.stringify(facts)}: ${result.how}`);
          break;
        }
        if (!result.ends.some((id) => info.elements.get(id)?.$type === 'bpmn:EndEvent')) {
          problems.push(`case with ${JSON.stringify(facts)} reached no end event`);
        }
        for (const flow of result.flows) if (info.branches.includes(flow)) taken.add(flow);
        idle = taken.size === before ? idle + 1 : 0;
      }
    }
    const missed = info.branches.filter((b) => !taken.has(b));
    if (missed.length > 0) problems.push(`branches never taken: ${missed.join(', ')}`);
    // One deadline timer fires: the first one a case reached, in the same case again.
    let fired = 'no deadline timer';
    if (chosen) {
      const { timer, facts, snapshot, counts } = chosen;
      chosenCount = counts;
      // A due date 30 days from today: the engine sets a timer in the past off at once.
      const dueDay = new Date(Date.now() + 30 * 86400000);
      const due = dueDay.toISOString().slice(0, 10);
      const late = new Date(Date.UTC(dueDay.getUTCFullYear(), dueDay.getUTCMonth(), dueDay.getUTCDate() + 1));
      const variable = timer.eventDefinitions[0].timeDate.body.match(/\b(due_\w+)\b/)[1];
      const options = { fire: timer.id };
      const result = await runCase(xml, info, { ...base, ...facts, [variable]: due }, snapshot, options);
      const escalation = timer.outgoing[0].targetRef;
      // Late from the start of the next day, UK time.
      const expected = new Date(zonedToUtc({
        year: late.getUTCFullYear(), month: late.getUTCMonth() + 1, day: late.getUTCDate(), hour: 0, minute: 0, second: 0,
      }, 'Europe/London')).toISOString();
      if (!options.fired) {
        problems.push(`timer ${timer.id} was never set (${result.how})`);
      } else {
        const at = new Date(options.fired.expireAt).toISOString();
        if (at !== expected) problems.push(`timer ${timer.id} set for ${at}, not ${expected}`);
        if (!options.fired.ends.includes(escalation.id)) {
          problems.push(`timer ${timer.id} fired but ${escalation.id} was not reached`);
        }
        // The timer does not interrupt: the task is still to be done, and is done later.
        if (options.fired.ends.includes(timer.attachedToRef.id)) {
          problems.push(`the task ${timer.attachedToRef.id} ended when its timer fired`);
        }
        if (!result.ends.includes(timer.attachedToRef.id)) {
          problems.push(`the task ${timer.attachedToRef.id} was never completed after its timer fired`);
        }
        if (result.how !== 'end') problems.push(`after the timer fired: ${result.how}`);
        fired = `${timer.id} fired at ${at} and reached ${escalation.id}`;
      }
    } else if (info.timers.length > 0) {
      problems.push('no case reached a task with a deadline timer');
    }
    // Recurring work's timer fires while the case is at its step: the work is done and ends,
    // and the step goes on.
    const cycle = info.cycles[0];
    if (cycle) {
      chosenCount = new Map();
      const options = { fire: cycle.id };
      const facts = combinations(info.facts, 1)[0];
      const result = await runCase(xml, info, { ...base, ...facts }, new Set(info.branches), options);
      const task = cycle.outgoing[0].targetRef;
      const end = task.outgoing[0].targetRef;
      if (!options.fired) {
        problems.push(`recurring timer ${cycle.id} was never set (${result.how})`);
      } else if (!result.ends.includes(task.id) || !result.ends.includes(end.id)) {
        problems.push(`recurring timer ${cycle.id} fired but ${task.id} did not run to ${end.id}`);
      } else if (options.fired.ends.includes(cycle.attachedToRef.id)) {
        problems.push(`${cycle.attachedToRef.id} ended when its recurring timer fired`);
      } else if (result.how !== 'end') {
        problems.push(`after recurring timer ${cycle.id}: ${result.how}`);
      } else {
        fired += `; recurring ${cycle.id} fired and ${task.id} was done`;
      }
    }
    // One checkpoint's timer fires on its date while the case is open.
    const checkpoint = info.checkpoints[0];
    if (checkpoint) {
      chosenCount = new Map();
      const start = checkpoint.flowElements.find((c) => c.$type === 'bpmn:StartEvent');
      const task = start.outgoing[0].targetRef;
      const end = checkpoint.flowElements.find((c) => c.$type === 'bpmn:EndEvent');
      const dueDay = new Date(Date.now() + 30 * 86400000);
      const due = dueDay.toISOString().slice(0, 10);
      const variable = start.eventDefinitions[0].timeDate.body.match(/\b(due_\w+)\b/)[1];
      const options = { fire: start.id, arm: checkpoint.id };
      const facts = combinations(info.facts, 1)[0];
      const result = await runCase(xml, info, { ...base, ...facts, [variable]: due }, new Set(info.branches), options);
      // On the due day itself, from midnight UK time.
      const expected = new Date(zonedToUtc({
        year: dueDay.getUTCFullYear(), month: dueDay.getUTCMonth() + 1, day: dueDay.getUTCDate(), hour: 0, minute: 0, second: 0,
      }, 'Europe/London')).toISOString();
      const open = options.fired?.waitingBefore?.filter((id) => info.elements.get(id)?.$parent?.$type === 'bpmn:Process') ?? [];
      if (!options.fired) {
        problems.push(`checkpoint timer ${start.id} was never set (${result.how})`);
      } else if (new Date(options.fired.expireAt).toISOString() !== expected) {
        problems.push(`checkpoint timer ${start.id} set for ${new Date(options.fired.expireAt).toISOString()}, not ${expected}`);
      } else if (!options.fired.waitingAfter.includes(task.id)) {
        problems.push(`checkpoint timer ${start.id} fired but ${task.id} did not start (waiting: ${options.fired.waitingAfter.join(', ')})`);
      } else if (open.length === 0 || open.some((id) => options.fired.ends.includes(id))) {
        problems.push(`checkpoint ${checkpoint.id} did not run beside an open case (waiting before: ${open.join(', ')})`);
      } else if (!result.ends.includes(task.id) || !result.ends.includes(end.id)) {
        problems.push(`checkpoint ${checkpoint.id}: ${task.id} did not run to ${end.id}`);
      } else if (result.how !== 'end') {
        problems.push(`after checkpoint ${checkpoint.id}: ${result.how}`);
      } else {
        fired += `; checkpoint ${start.id} fired on ${due} and ${task.id} was done beside ${open.join(', ')}`;
      }
    }
    if (problems.length === 0) {
      console.log(`ok: ${file}: ${cases} cases took all ${info.branches.length} branches; ${fired}`);
    } else {
      failed += 1;
      console.error(`FAILED: ${file}\n  ${problems.join('\n  ')}`);
    }
  } catch (error) {
    failed += 1;
    console.error(`FAILED: ${file}: ${error.stack ?? error}`);
  }
}
process.exit(failed === 0 && process.argv.length > 2 ? 0 : 1);
