import {
  ACMClient,
  ACMServiceException,
  type CertificateStatus,
  type CertificateSummary,
  type CertificateType,
  type DescribeCertificateCommandInput,
  type DescribeCertificateCommandOutput,
  type KeyAlgorithm,
  type ListCertificatesCommandInput,
  type ListCertificatesCommandOutput,
} from '@aws-sdk/client-acm';
import { mockClient } from 'aws-sdk-client-mock';
import { defineService } from '../../core/define-service.js';
import type { FakeEnvironment } from '../../core/environment.js';
import { serviceException } from '../../core/errors.js';
import { paginate } from '../../core/pagination.js';
import type { FakeService, Result } from '../../core/service.js';

export interface CertificateRecord {
  arn: string;
  domain: string;
  /** Subject alternative names; the domain is always the first. */
  alternativeNames: string[];
  status: CertificateStatus;
  type: CertificateType;
  keyAlgorithm: KeyAlgorithm;
  notBefore: Date;
  notAfter: Date;
  createdAt: Date;
  /** ARNs of the load balancers using it. */
  inUseBy: string[];
}

export interface AddCertificateOptions {
  domain: string;
  /** Extra names besides `domain`. */
  alternativeNames?: string[];
  status?: CertificateStatus;
  type?: CertificateType;
  keyAlgorithm?: KeyAlgorithm;
  notAfter?: Date;
}

/** A fixed clock for certificate dates, so listings are stable from run to run. */
const ISSUED_AT = new Date('2026-01-15T00:00:00Z');
const VALID_FOR_MS = 395 * 24 * 3600 * 1000;
const ARN_SHAPE = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/;
const STATUSES: ReadonlySet<string> = new Set([
  'PENDING_VALIDATION',
  'ISSUED',
  'INACTIVE',
  'EXPIRED',
  'VALIDATION_TIMED_OUT',
  'REVOKED',
  'FAILED',
]);
/** ListCertificates' default when Includes.keyTypes is not given: RSA 2048 only (as AWS does). */
const DEFAULT_KEY_TYPES: readonly KeyAlgorithm[] = ['RSA_2048'];
const MAX_ITEMS = 1000;

/** The account's certificates in the fake's region. Tests add them with `add`. */
export class AcmStore {
  readonly certificates = new Map<string, CertificateRecord>();

  constructor(private readonly env: FakeEnvironment) {}

  add(options: AddCertificateOptions): CertificateRecord {
    const arn = `arn:aws:acm:${this.env.region}:${this.env.account}:certificate/${this.env.ids.requestId()}`;
    const record: CertificateRecord = {
      arn,
      domain: options.domain,
      alternativeNames: [options.domain, ...(options.alternativeNames ?? [])],
      status: options.status ?? 'ISSUED',
      type: options.type ?? 'AMAZON_ISSUED',
      keyAlgorithm: options.keyAlgorithm ?? 'RSA_2048',
      notBefore: ISSUED_AT,
      notAfter: options.notAfter ?? new Date(ISSUED_AT.getTime() + VALID_FOR_MS),
      createdAt: ISSUED_AT,
      inUseBy: [],
    };
    this.certificates.set(arn, record);
    return record;
  }
}

function acmError(name: string, message: string): Error {
  return serviceException(ACMServiceException as never, { name, message });
}

function summary(record: CertificateRecord): CertificateSummary {
  return {
    CertificateArn: record.arn,
    DomainName: record.domain,
    SubjectAlternativeNameSummaries: [...record.alternativeNames],
    HasAdditionalSubjectAlternativeNames: false,
    Status: record.status,
    Type: record.type,
    KeyAlgorithm: record.keyAlgorithm,
    InUse: record.inUseBy.length > 0,
    NotBefore: record.notBefore,
    NotAfter: record.notAfter,
    CreatedAt: record.createdAt,
    ...(record.status === 'ISSUED' ? { IssuedAt: record.createdAt } : {}),
  };
}

/** The fake AWS Certificate Manager: listing and describing the account's certificates. */
export function createAcmService(env: FakeEnvironment): { service: FakeService; store: AcmStore } {
  const store = new AcmStore(env);
  const lookup = (arn: string | undefined): CertificateRecord => {
    if (!arn || !ARN_SHAPE.test(arn))
      throw acmError('InvalidArnException', `String '${arn ?? ''}' is not a valid ARN`);
    const record = store.certificates.get(arn);
    if (!record) throw acmError('ResourceNotFoundException', `Could not find certificate ${arn}.`);
    return record;
  };
  const service = defineService({
    name: 'acm',
    mockClient: () => mockClient(ACMClient),
    exceptionClass: ACMServiceException,
    faultCodes: {
      throttle: { name: 'ThrottlingException', message: 'Rate exceeded' },
      internal: { name: 'InternalFailure', message: 'An internal error has occurred' },
      unavailable: { name: 'ServiceUnavailable', message: 'Service is unavailable' },
    },
    handlers: {
      ListCertificates(input: ListCertificatesCommandInput): Result<ListCertificatesCommandOutput> {
        const statuses = input.CertificateStatuses;
        const unknown = statuses?.find((status) => !STATUSES.has(status));
        if (unknown !== undefined) {
          throw acmError(
            'ValidationException',
            `1 validation error detected: Value '${unknown}' at 'certificateStatuses' failed to satisfy constraint`,
          );
        }
        if (input.MaxItems !== undefined && (input.MaxItems < 1 || input.MaxItems > MAX_ITEMS)) {
          throw acmError('ValidationException', `MaxItems must be between 1 and ${MAX_ITEMS}`);
        }
        const keyTypes = input.Includes?.keyTypes ?? DEFAULT_KEY_TYPES;
        const matching = [...store.certificates.values()].filter(
          (record) =>
            (statuses === undefined || statuses.length === 0 || statuses.includes(record.status)) &&
            keyTypes.includes(record.keyAlgorithm),
        );
        const { page, nextToken } = paginate(matching, input.MaxItems, input.NextToken, (token) =>
          acmError('InvalidNextTokenException', `The token '${token}' is invalid`),
        );
        return { CertificateSummaryList: page.map(summary), ...(nextToken ? { NextToken: nextToken } : {}) };
      },

      DescribeCertificate(input: DescribeCertificateCommandInput): Result<DescribeCertificateCommandOutput> {
        const record = lookup(input.CertificateArn);
        return {
          Certificate: {
            CertificateArn: record.arn,
            DomainName: record.domain,
            SubjectAlternativeNames: [...record.alternativeNames],
            Status: record.status,
            Type: record.type,
            KeyAlgorithm: record.keyAlgorithm,
            NotBefore: record.notBefore,
            NotAfter: record.notAfter,
            CreatedAt: record.createdAt,
            InUseBy: [...record.inUseBy],
            ...(record.status === 'ISSUED' ? { IssuedAt: record.createdAt } : {}),
          },
        };
      },
    },
  });
  return { service, store };
}
