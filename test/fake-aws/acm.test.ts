import { DescribeCertificateCommand, ListCertificatesCommand } from '@aws-sdk/client-acm';
import { describe, expect, it } from 'vitest';
import { useFakeAws } from './helpers.js';

const { fake, aws } = useFakeAws();

describe('fake ACM', () => {
  it('lists certificates by status, RSA 2048 only unless other key types are asked for', async () => {
    // GIVEN issued RSA and ECDSA certificates and a pending one
    const store = fake().acm;
    const rsa = store.add({ domain: 'gitlab.example.com', alternativeNames: ['git.example.com'] });
    const ec = store.add({ domain: 'ec.example.com', keyAlgorithm: 'EC_prime256v1' });
    const pending = store.add({ domain: 'new.example.com', status: 'PENDING_VALIDATION' });

    // WHEN issued certificates are listed, with and without Includes.keyTypes
    const byDefault = await aws().acm.send(new ListCertificatesCommand({ CertificateStatuses: ['ISSUED'] }));
    const withEc = await aws().acm.send(
      new ListCertificatesCommand({
        CertificateStatuses: ['ISSUED'],
        Includes: { keyTypes: ['RSA_2048', 'EC_prime256v1'] },
      }),
    );
    const all = await aws().acm.send(new ListCertificatesCommand({}));

    // THEN the status filter and AWS's RSA_2048 default apply
    expect(
      byDefault.CertificateSummaryList?.map((c) => [c.DomainName, c.SubjectAlternativeNameSummaries]),
    ).toEqual([['gitlab.example.com', ['gitlab.example.com', 'git.example.com']]]);
    expect(withEc.CertificateSummaryList?.map((c) => c.CertificateArn)).toEqual([rsa.arn, ec.arn]);
    expect(all.CertificateSummaryList?.map((c) => c.CertificateArn)).toEqual([rsa.arn, pending.arn]);
    expect(rsa.arn).toMatch(/^arn:aws:acm:eu-west-1:123456789012:certificate\/[0-9a-f-]{36}$/);
  });

  it('pages with MaxItems and NextToken', async () => {
    // GIVEN three certificates
    const arns = ['a', 'b', 'c'].map((name) => fake().acm.add({ domain: `${name}.example.com` }).arn);

    // WHEN listed two at a time
    const first = await aws().acm.send(new ListCertificatesCommand({ MaxItems: 2 }));
    const second = await aws().acm.send(
      new ListCertificatesCommand({ MaxItems: 2, NextToken: first.NextToken }),
    );

    // THEN the pages hold all three, in order, and the last has no token
    expect(first.CertificateSummaryList?.map((c) => c.CertificateArn)).toEqual(arns.slice(0, 2));
    expect(second.CertificateSummaryList?.map((c) => c.CertificateArn)).toEqual(arns.slice(2));
    expect(second.NextToken).toBeUndefined();
  });

  it('describes a certificate, and refuses unknown and malformed ARNs as ACM does', async () => {
    // GIVEN one pending certificate
    const pending = fake().acm.add({ domain: 'new.example.com', status: 'PENDING_VALIDATION' });

    // WHEN it, an unknown ARN and a malformed one are described
    const described = await aws().acm.send(new DescribeCertificateCommand({ CertificateArn: pending.arn }));
    const unknown = aws().acm.send(
      new DescribeCertificateCommand({
        CertificateArn: pending.arn.replace(/[0-9a-f]{12}$/, '000000000000'),
      }),
    );
    const malformed = aws().acm.send(new DescribeCertificateCommand({ CertificateArn: 'not-an-arn' }));

    // THEN the first comes back with its status, the others fail with ACM's error codes
    expect(described.Certificate).toMatchObject({
      DomainName: 'new.example.com',
      Status: 'PENDING_VALIDATION',
    });
    await expect(unknown).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(malformed).rejects.toMatchObject({ name: 'InvalidArnException' });
  });
});
