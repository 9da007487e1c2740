// The peer in Smail's concurrency benchmark: the smallest useful chat relay on the Vercel AI SDK.
// POST /chat {prompt, model} → streamText against Ollama (here, Smail's emulator) → UI message stream (SSE).
// Usage: OLLAMA_URL=http://127.0.0.1:11434 PORT=0 node relay.mjs   (prints "listening <port>")
import http from 'node:http';
import { streamText } from 'ai';
import { createOllama } from 'ai-sdk-ollama';

const ollama = createOllama({ baseURL: process.env.OLLAMA_URL ?? 'http://127.0.0.1:11434' });

const server = http.createServer(async (request, response) => {
  let body = '';
  for await (const piece of request) body += piece;
  const { prompt, model } = JSON.parse(body);
  const result = streamText({ model: ollama(model), prompt });
  result.pipeUIMessageStreamToResponse(response);
});
server.maxConnections = 100_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
