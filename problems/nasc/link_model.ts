/**
 * The uplink between the IoT device and the edge server.
 *
 * A payload of B bytes is cut into n = ceil(B / packetBytes) packets (at least one: even an
 * empty message costs a packet); every packet carries headerBytes on top of its payload, so
 * W = B + n·headerBytes bytes go on the air per attempt. Each packet is lost independently with
 * probability p and resent until it arrives (ideal selective repeat: losses cost airtime only,
 * no extra waiting), so a packet is sent 1/(1−p) times in expectation. With bandwidth in
 * Mbit/s (10^6 bit/s = 10^3 bit/ms) and a fixed round trip / protocol overhead rttMs paid once:
 *
 *     linkMs = rttMs + (W · 8) / (bandwidthMbps · 1000) / (1 − p)
 *
 * Defaults (rtt 0, header 0, loss 0) reduce it to bits / bandwidth, the model REFERENCE.md's
 * figures use. Non-increasing in bandwidth, non-decreasing in loss, rtt, header and bytes.
 */
import { InputError } from '../../core/errors.js';

export interface LinkParams {
  /** Uplink bandwidth, Mbit/s (> 0). */
  readonly bandwidthMbps: number;
  /** Fixed round trip / protocol overhead per inference, ms (≥ 0). */
  readonly rttMs: number;
  /** Payload bytes per packet (≥ 1), e.g. 1460 for TCP over Ethernet-sized frames. */
  readonly packetBytes: number;
  /** Header bytes added to every packet (≥ 0), e.g. 40 for IPv4 + TCP. */
  readonly headerBytes: number;
  /** Probability a packet is lost, in [0, 1). */
  readonly lossRate: number;
}

export const DEFAULT_LINK: Omit<LinkParams, 'bandwidthMbps'> = { rttMs: 0, packetBytes: 1460, headerBytes: 0, lossRate: 0 };

export function checkLink(link: LinkParams, what = 'link'): void {
  const bad = (field: string, rule: string, v: number): never => {
    throw new InputError(`${what}: ${field} = ${v} must be ${rule}`);
  };
  if (!(Number.isFinite(link.bandwidthMbps) && link.bandwidthMbps > 0)) bad('bandwidthMbps', 'a finite number > 0', link.bandwidthMbps);
  if (!(Number.isFinite(link.rttMs) && link.rttMs >= 0)) bad('rttMs', 'a finite number >= 0', link.rttMs);
  if (!(Number.isInteger(link.packetBytes) && link.packetBytes >= 1)) bad('packetBytes', 'an integer >= 1', link.packetBytes);
  if (!(Number.isInteger(link.headerBytes) && link.headerBytes >= 0)) bad('headerBytes', 'an integer >= 0', link.headerBytes);
  if (!(Number.isFinite(link.lossRate) && link.lossRate >= 0 && link.lossRate < 1)) bad('lossRate', 'in [0, 1)', link.lossRate);
}

export function packetCount(payloadBytes: number, packetBytes: number): number {
  return Math.max(1, Math.ceil(payloadBytes / packetBytes));
}

/** Bytes on the air per attempt: payload plus one header per packet. */
export function wireBytes(payloadBytes: number, link: Pick<LinkParams, 'packetBytes' | 'headerBytes'>): number {
  return payloadBytes + packetCount(payloadBytes, link.packetBytes) * link.headerBytes;
}

/** Expected time to deliver `payloadBytes` over the link, ms. */
export function linkMs(payloadBytes: number, link: LinkParams): number {
  const bits = wireBytes(payloadBytes, link) * 8;
  return link.rttMs + bits / (link.bandwidthMbps * 1000) / (1 - link.lossRate);
}
