// E-mail template: the subject and body the buyer reads, with placeholders, a live preview filled with a
// real recent invoice, the sender and the shop's copy, send-on-booking, and "send me a test".
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, Checkbox, FormLayout, InlineGrid, InlineStack, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import db from "../db.server";
import { loadEmailTemplate, saveEmailTemplate, sendTestEmail } from "../admin/email-template.server";
import { AppError } from "../lib/errors";
import { env } from "../lib/env.server";
import { mailSetupFromEnv } from "../mail/mailer.server";
import { PLACEHOLDERS, renderTemplate } from "../mail/template";
import { logger } from "../lib/logger.server";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadEmailTemplate(db, session.shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  try {
    if (form.get("intent") === "test") {
      const { mailer, mailFrom } = mailSetupFromEnv(env(), logger);
      const sent = await sendTestEmail(db, session.shop, { to: String(form.get("to") ?? ""), dataDir: env().DATA_DIR, mailer, mailFrom });
      return { ok: true, message: `A test with invoice ${sent.invoice} went to ${sent.to}.` };
    }
    await saveEmailTemplate(db, session.shop, JSON.parse(String(form.get("mail") ?? "{}")));
    return { ok: true, message: "E-mail settings saved." };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, message: error.merchantMessage };
    throw error;
  }
};

export default function EmailTemplate() {
  const { settings, values, previewFrom } = useLoaderData<typeof loader>();
  const [mail, setMail] = useState({
    subject: settings.template.subject,
    body: settings.template.body,
    from: settings.from ?? "",
    replyTo: settings.replyTo ?? "",
    bcc: settings.bcc ?? "",
    sendOnBooking: settings.sendOnBooking,
  });
  const [testTo, setTestTo] = useState("");
  const save = useFetcher<typeof action>();
  const test = useFetcher<typeof action>();
  const payload = () => JSON.stringify({ from: mail.from, replyTo: mail.replyTo, bcc: mail.bcc, sendOnBooking: mail.sendOnBooking, template: { subject: mail.subject, body: mail.body } });
  const answer = test.data ?? save.data;
  return (
    <Page title="E-mail template" primaryAction={{ content: "Save", loading: save.state !== "idle", onAction: () => save.submit({ mail: payload() }, { method: "post" }) }}>
      <BlockStack gap="400">
        {answer ? <Banner tone={answer.ok ? "success" : "critical"} title={answer.message} /> : null}
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <Card>
            <FormLayout>
              <TextField label="Subject" autoComplete="off" value={mail.subject} onChange={(subject) => setMail({ ...mail, subject })} />
              <TextField label="Body" autoComplete="off" multiline={8} value={mail.body} onChange={(body) => setMail({ ...mail, body })} />
              <Text as="p" variant="bodySm" tone="subdued">
                Placeholders: {PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ")}
              </Text>
              <TextField label="Sender" placeholder="Your shop <invoices@your-shop.com>" autoComplete="off" value={mail.from} onChange={(from) => setMail({ ...mail, from })} />
              <TextField label="Replies go to" autoComplete="off" value={mail.replyTo} onChange={(replyTo) => setMail({ ...mail, replyTo })} />
              <TextField label="A copy of every e-mail to (BCC)" autoComplete="off" value={mail.bcc} onChange={(bcc) => setMail({ ...mail, bcc })} />
              <Checkbox label="E-mail the invoice to the buyer when it is booked" checked={mail.sendOnBooking} onChange={(sendOnBooking) => setMail({ ...mail, sendOnBooking })} />
              <Button onClick={() => save.submit({ mail: payload() }, { method: "post" })} loading={save.state !== "idle"}>
                Save e-mail settings
              </Button>
            </FormLayout>
          </Card>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Preview
                </Text>
                <Text as="p" variant="bodySm" tone="subdued">
                  Filled with {previewFrom}.
                </Text>
                <Box padding="300" background="bg-surface-secondary" borderRadius="200">
                  <BlockStack gap="200">
                    <Text as="p" fontWeight="semibold">
                      <span data-testid="preview-subject">{renderTemplate(mail.subject, values)}</span>
                    </Text>
                    <div data-testid="preview-body" style={{ whiteSpace: "pre-wrap" }}>
                      {renderTemplate(mail.body, values)}
                    </div>
                  </BlockStack>
                </Box>
              </BlockStack>
            </Card>
            <Card>
              <InlineStack gap="200" blockAlign="end">
                <Box minWidth="260px">
                  <TextField label="Send me a test at" type="email" autoComplete="email" value={testTo} onChange={setTestTo} />
                </Box>
                <Button onClick={() => test.submit({ intent: "test", to: testTo }, { method: "post" })} loading={test.state !== "idle"}>
                  Send me a test
                </Button>
              </InlineStack>
            </Card>
          </BlockStack>
        </InlineGrid>
      </BlockStack>
    </Page>
  );
}
