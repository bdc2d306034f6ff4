// The bench's LLM server, in its own process as a real server would be, so its work is not
// counted as paperboy's. Answers each field with Korean text sized like its source after a fixed latency.
import { startLlmServer } from '../test/support/llm-server.js';

function koreanLike(source: string): string {
  const sentence = '이 연구는 대규모 언어 모델의 성능을 개선하는 새로운 방법을 제안합니다. ';
  let out = '';
  while (out.length < source.length * 0.55) out += sentence;
  return out.trim();
}

const server = await startLlmServer();
server.latencyMs = Number(process.env.BENCH_LLM_LATENCY_MS ?? 1000);
server.respond((req) => {
  const props = Object.keys(((req.body?.response_format?.json_schema?.schema ?? {}) as { properties?: object }).properties ?? {});
  const prompt = String(req.body?.messages?.at(-1)?.content ?? '');
  const answer: Record<string, string> = {};
  for (const f of props) {
    const m = new RegExp(`<<<SOURCE:${f}>>>\\n([\\s\\S]*?)\\n<<<END:${f}>>>`).exec(prompt);
    answer[f] = koreanLike(m ? m[1]! : f);
  }
  return { content: JSON.stringify(answer) };
});
// the parent reads the address, then asks for the request count on stdin
process.stdout.write(`${server.url}\n`);
process.stdin.on('data', () => process.stdout.write(`${server.requests.length}\n`));
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
