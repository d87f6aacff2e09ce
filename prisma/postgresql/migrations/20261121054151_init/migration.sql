-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
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
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'installed',
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
    "verificationStartedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settings" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Connection" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "providerType" TEXT NOT NULL,
    "encryptedCredentials" TEXT NOT NULL,
    "settings" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'active',
    "statusMessage" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Connection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "eventId" TEXT,
    "apiVersion" TEXT,
    "triggeredAt" TIMESTAMP(3),
    "payload" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "uniqueKey" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "groupKey" TEXT,
    "payload" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'queued',
    "runAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 8,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobGroupLock" (
    "groupKey" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "leaseUntil" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "JobGroupLock_pkey" PRIMARY KEY ("groupKey")
);

-- CreateTable
CREATE TABLE "Document" (
    "id" TEXT NOT NULL,
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
    "dueDate" TIMESTAMP(3),
    "buyerEmail" TEXT,
    "buyerName" TEXT,
    "pdfPath" TEXT,
    "pdfSha256" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Document_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomerLink" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "providerType" TEXT NOT NULL,
    "shopifyCustomerId" TEXT,
    "matchKey" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CustomerLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProductLink" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "providerType" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProductLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncLogEntry" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "orderId" TEXT,
    "orderName" TEXT,
    "documentId" TEXT,
    "jobId" TEXT,
    "status" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "detail" TEXT,
    "deliveryId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncLogEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DataRequest" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "shopifyCustomerId" TEXT,
    "email" TEXT,
    "export" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DataRequest_pkey" PRIMARY KEY ("id")
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

