// The security policy gate (issue 17): cdk-nag's AwsSolutions and Serverless rule packs over the one CloudFormation
// template, read as-is through aws-cdk-lib/cloudformation-include.
//
//   node scripts/policy/policy-check.mjs [--template PATH]
//
// Prints every finding (rule, resource, message) as ACCEPTED (with the template's reason) or FAILED, and exits 1 when
// any finding is not accepted, when an acceptance has no real reason, or when an acceptance matches no finding (a
// stale acceptance would silently cover the next problem on that resource). Exit 2: the template could not be read.
//
// Acceptances live in the template, on the resource, in cdk-nag's format:
//   Metadata:
//     cdk_nag:
//       rules_to_suppress:
//         - id: AwsSolutions-IAM5[Resource::*]
//           reason: what the rule guards against, and why it does not apply here (with the AWS page)
// cdk-nag 3 no longer reads that metadata; it takes acknowledgements from Validations.of(construct).acknowledge(),
// so this script hands each template entry to it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, CfnParameter, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const templateAt = args.indexOf('--template');
const templateFile = resolve(templateAt >= 0 ? args[templateAt + 1] : join(here, '..', '..', 'cloudformation', 'secure-lambda.yaml'));

// Values for the parameters that have no default, as a real deployment would pass them.
const plausibleParameters = {
  CodeS3Bucket: 'securelambda-artifacts-123456789012-eu-west-1',
  CodeS3Key: 'secure-lambda-functions-0123456789abcdef.zip',
};
const environment = { account: '123456789012', region: 'eu-west-1' };
const minimumReasonLength = 40;

function include(scope, parameters) {
  const stack = new Stack(scope, 'secure-lambda', { env: environment });
  return new CfnInclude(stack, 'Template', { templateFile, parameters });
}

function declaredParameters() {
  const template = include(new App({ outdir: mkdtempSync(join(tmpdir(), 'policy-check-')) }), {});
  return template.node.children.filter((child) => child instanceof CfnParameter);
}

function parametersFor(declared) {
  const values = {};
  const missing = [];
  for (const parameter of declared) {
    const name = parameter.node.id;
    if (name in plausibleParameters) {
      values[name] = plausibleParameters[name];
    } else if (parameter.default === undefined) {
      missing.push(name);
    }
  }
  if (missing.length > 0) {
    throw new Error(`no plausible value for the template parameter(s) ${missing.join(', ')}: add them to plausibleParameters`);
  }
  return values;
}

function acceptancesOf(template) {
  const acceptances = [];
  for (const child of template.node.children) {
    if (!(child instanceof CfnResource)) continue;
    const entries = child.cfnOptions.metadata?.cdk_nag?.rules_to_suppress ?? [];
    for (const entry of entries) {
      acceptances.push({ resource: child, logicalId: child.node.id, id: String(entry?.id ?? ''), reason: String(entry?.reason ?? '').trim() });
    }
  }
  return acceptances;
}

// One synthesis with both packs; the findings come from the validation report CDK writes into the cloud assembly.
function run(acknowledge) {
  const outdir = mkdtempSync(join(tmpdir(), 'policy-check-'));
  try {
    const app = new App({ outdir });
    const template = include(app, parametersFor(declaredParameters()));
    const acceptances = acceptancesOf(template);
    if (acknowledge) {
      for (const { resource, id, reason } of acceptances) {
        Validations.of(resource).acknowledge({ id, reason });
      }
    }
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    // CDK prints its own long-form report while synthesizing; this script prints the findings once, its own way.
    const write = process.stderr.write;
    const captured = [];
    process.stderr.write = (chunk, ...rest) => {
      captured.push(String(chunk));
      return typeof rest.at(-1) === 'function' ? (rest.at(-1)(), true) : true;
    };
    try {
      app.synth();
    } catch (error) {
      // CDK throws "Validation failed" after writing the report; anything else is a real error.
      if (!/Validation failed/.test(String(error?.message))) {
        process.stderr.write = write;
        process.stderr.write(captured.join(''));
        throw error;
      }
    } finally {
      process.stderr.write = write;
    }
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    const findings = [];
    for (const plugin of report.pluginReports ?? []) {
      for (const violation of plugin.violations ?? []) {
        for (const construct of violation.violatingConstructs ?? []) {
          findings.push({
            pack: plugin.pluginName,
            rule: violation.ruleName,
            severity: violation.severity,
            resource: construct.constructPath.split('/').at(-1),
            message: violation.description,
          });
        }
      }
    }
    return { findings, acceptances };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

let raw;
let gated;
try {
  raw = run(false);
  gated = run(true);
} catch (error) {
  console.error(`policy-check: cannot check ${templateFile}: ${error?.message ?? error}`);
  process.exit(2);
}

const key = (logicalId, rule) => `${logicalId} ${rule}`;
const accepted = new Map(raw.acceptances.map((a) => [key(a.logicalId, a.id), a]));
const stillFailing = new Set(gated.findings.map((f) => key(f.resource, f.rule)));
const used = new Set();
let failures = 0;

console.log(`policy-check: cdk-nag AwsSolutions + Serverless over ${templateFile}`);
for (const finding of raw.findings) {
  const k = key(finding.resource, finding.rule);
  const acceptance = accepted.get(k);
  if (acceptance && !stillFailing.has(k)) {
    used.add(k);
    console.log(`ACCEPTED ${finding.rule} on ${finding.resource}: ${finding.message}\n         reason: ${acceptance.reason.replace(/\s+/g, ' ')}`);
  } else {
    failures++;
    console.log(`FAILED   ${finding.rule} on ${finding.resource} (${finding.pack}, ${finding.severity}): ${finding.message}`);
  }
}
for (const finding of gated.findings) {
  const k = key(finding.resource, finding.rule);
  if (!raw.findings.some((f) => key(f.resource, f.rule) === k)) {
    failures++;
    console.log(`FAILED   ${finding.rule} on ${finding.resource} (${finding.pack}, ${finding.severity}): ${finding.message}`);
  }
}
for (const acceptance of raw.acceptances) {
  const k = key(acceptance.logicalId, acceptance.id);
  if (acceptance.reason.length < minimumReasonLength) {
    failures++;
    console.log(`FAILED   acceptance of ${acceptance.id} on ${acceptance.logicalId}: the reason must say what the rule guards against and why it does not apply (at least ${minimumReasonLength} characters)`);
  } else if (!used.has(k)) {
    failures++;
    console.log(`FAILED   acceptance of ${acceptance.id} on ${acceptance.logicalId} matches no finding: remove it, so it cannot hide a later one`);
  }
}

const acceptedCount = used.size;
console.log(`policy-check: ${raw.findings.length} finding(s), ${acceptedCount} accepted in the template, ${failures} unaccepted problem(s)`);
process.exit(failures === 0 ? 0 : 1);
