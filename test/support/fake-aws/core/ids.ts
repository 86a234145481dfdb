import { seededRandom, type Random } from './random.js';

/**
 * Real-looking AWS resource ids (`vpc-0` followed by 16 hex digits, like the 17-hex-digit ids AWS
 * issues today), deterministic for a given seed so failing tests print the same ids every run.
 */
export class IdGenerator {
  private readonly random: Random;
  private readonly issued = new Set<string>();
  private publicIpCount = 0;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  /** A fresh id such as `vpc-0a1b2c3d4e5f60718` for prefix `vpc`. */
  next(prefix: string): string {
    for (;;) {
      const id = `${prefix}-0${this.hex(16)}`;
      if (!this.issued.has(id)) {
        this.issued.add(id);
        return id;
      }
    }
  }

  /** A request id in the UUID shape AWS returns in `$metadata.requestId`. */
  requestId(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-a${this.hex(3)}-${this.hex(12)}`;
  }

  /** Distinct public IPv4 addresses (from 203.0.113.0/24, then 198.51.100.0/24: documentation ranges). */
  nextPublicIp(): string {
    const n = this.publicIpCount++;
    const blocks = ['203.0.113', '198.51.100'];
    const block = blocks[Math.floor(n / 254) % blocks.length];
    return `${block}.${(n % 254) + 1}`;
  }

  private hex(digits: number): string {
    let out = '';
    for (let i = 0; i < digits; i++) out += Math.floor(this.random() * 16).toString(16);
    return out;
  }
}
