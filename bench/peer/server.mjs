// The benchmark's peer: PostGraphile 5 with the amber preset over DATABASE_URL, serving POST
// /graphql on 127.0.0.1:PORT with GraphiQL off, no watch mode and no query logging. Run with
// the Node 22 this package installs: NODE_ENV=production node_modules/.bin/node server.mjs
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const port = Number(process.env.PORT ?? 5678);
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ["public"] })],
  grafserv: { port, host: "127.0.0.1", graphqlPath: "/graphql", graphiql: false, watch: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.once("listening", () => console.log(`serving PostGraphile at http://127.0.0.1:${port}/graphql`));
await serv.addTo(server);
server.listen(port, "127.0.0.1");
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    server.close();
    await pgl.release();
    process.exit(0);
  });
}
