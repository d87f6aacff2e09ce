-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" DATETIME,
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" DATETIME
);

-- CreateTable
CREATE TABLE "Shop" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'installed',
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "verificationStartedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settings" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Connection" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "providerType" TEXT NOT NULL,
    "encryptedCredentials" TEXT NOT NULL,
    "settings" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'active',
    "statusMessage" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "eventId" TEXT,
    "apiVersion" TEXT,
    "triggeredAt" DATETIME,
    "payload" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "uniqueKey" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "groupKey" TEXT,
    "payload" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'queued',
    "runAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 8,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "JobGroupLock" (
    "groupKey" TEXT NOT NULL PRIMARY KEY,
    "owner" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "leaseUntil" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Document" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT,
    "kind" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "providerType" TEXT NOT NULL,
    "providerRef" TEXT,
    "number" TEXT,
    "state" TEXT NOT NULL DEFAULT 'claimed',
    "currency" TEXT,
    "totalMinor" BIGINT,
    "dueDate" DATETIME,
    "buyerEmail" TEXT,
    "buyerName" TEXT,
    "pdfPath" TEXT,
    "pdfSha256" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "CustomerLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "providerType" TEXT NOT NULL,
    "shopifyCustomerId" TEXT,
    "matchKey" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ProductLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "providerType" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "SyncLogEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "orderId" TEXT,
    "orderName" TEXT,
    "documentId" TEXT,
    "jobId" TEXT,
    "status" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "detail" TEXT,
    "deliveryId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "DataRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "shopifyCustomerId" TEXT,
    "email" TEXT,
    "export" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "Shop_shopDomain_key" ON "Shop"("shopDomain");

-- CreateIndex
CREATE UNIQUE INDEX "Connection_shopDomain_providerType_key" ON "Connection"("shopDomain", "providerType");

-- CreateIndex
CREATE INDEX "WebhookDelivery_shopDomain_topic_idx" ON "WebhookDelivery"("shopDomain", "topic");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_shopDomain_dedupeKey_key" ON "WebhookDelivery"("shopDomain", "dedupeKey");

-- CreateIndex
CREATE UNIQUE INDEX "Job_uniqueKey_key" ON "Job"("uniqueKey");

-- CreateIndex
CREATE INDEX "Job_status_runAt_idx" ON "Job"("status", "runAt");

-- CreateIndex
CREATE INDEX "Job_shopDomain_status_idx" ON "Job"("shopDomain", "status");

-- CreateIndex
CREATE INDEX "Job_groupKey_status_idx" ON "Job"("groupKey", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Document_idempotencyKey_key" ON "Document"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Document_shopDomain_orderId_idx" ON "Document"("shopDomain", "orderId");

-- CreateIndex
CREATE UNIQUE INDEX "Document_shopDomain_orderId_kind_source_key" ON "Document"("shopDomain", "orderId", "kind", "source");

-- CreateIndex
CREATE INDEX "CustomerLink_shopDomain_shopifyCustomerId_idx" ON "CustomerLink"("shopDomain", "shopifyCustomerId");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerLink_shopDomain_providerType_matchKey_key" ON "CustomerLink"("shopDomain", "providerType", "matchKey");

-- CreateIndex
CREATE UNIQUE INDEX "ProductLink_shopDomain_providerType_sku_key" ON "ProductLink"("shopDomain", "providerType", "sku");

-- CreateIndex
CREATE INDEX "SyncLogEntry_shopDomain_createdAt_idx" ON "SyncLogEntry"("shopDomain", "createdAt");

-- CreateIndex
CREATE INDEX "SyncLogEntry_shopDomain_orderId_idx" ON "SyncLogEntry"("shopDomain", "orderId");

-- CreateIndex
CREATE INDEX "DataRequest_shopDomain_idx" ON "DataRequest"("shopDomain");

