// GraphQL-over-HTTP conformance: runs graphql-http's serverAudits against URL (argv[2]).
// Exits 1 if any MUST audit fails; prints every SHOULD/MAY warning for the README.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node run.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}
let failedMust = 0;
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  const level = audit.name.split(' ')[0];
  if (result.status === 'ok') {
    console.log(`ok      ${audit.id} ${audit.name}`);
  } else {
    if (level === 'MUST') failedMust += 1;
    console.log(`${result.status.padEnd(7)} ${audit.id} ${audit.name}: ${result.reason}`);
  }
}
console.log(failedMust ? `${failedMust} MUST audit(s) failed` : 'all MUST audits passed');
process.exit(failedMust ? 1 : 0);
