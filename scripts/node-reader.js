// node-reader makes the calls of go-reader's metadata mode (chamber list -e: DescribeParameters under a
// path, fifty a page asked for, then GetParameters, ten names a call, one call after another) with the
// AWS SDK for JavaScript v3 and nothing else. In `npm run bench -- --startup` it is the floor of this
// language and SDK for that work: what the runner costs beyond it is the runner's own.
//
//	node scripts/node-reader.js <endpoint> <region> <path>
const { GetParametersCommand, paginateDescribeParameters, SSMClient } = require('@aws-sdk/client-ssm');

async function main([endpoint, region, path]) {
  const ssm = new SSMClient({ endpoint, region });
  const names = [];
  let calls = 0;
  const pages = paginateDescribeParameters(
    { client: ssm, pageSize: 50 },
    { ParameterFilters: [{ Key: 'Path', Option: 'Recursive', Values: [path] }] },
  );
  for await (const page of pages) {
    calls++;
    for (const meta of page.Parameters ?? []) names.push(meta.Name);
  }
  let parameters = 0;
  for (let start = 0; start < names.length; start += 10) {
    const command = new GetParametersCommand({ Names: names.slice(start, start + 10), WithDecryption: true });
    parameters += ((await ssm.send(command)).Parameters ?? []).length;
    calls++;
  }
  // Counts only: never a value.
  console.log(JSON.stringify({ parameters, calls }));
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error.name);
  process.exitCode = 1;
});
