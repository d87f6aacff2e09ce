-- CreateTable
CREATE TABLE "DocumentSequence" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "series" TEXT NOT NULL,
    "prefix" TEXT NOT NULL DEFAULT '',
    "next" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DocumentSequence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmailDelivery" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "documentId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "toAddress" TEXT NOT NULL,
    "bcc" TEXT,
    "subject" TEXT,
    "status" TEXT NOT NULL DEFAULT 'claimed',
    "error" TEXT,
    "messageId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "EmailDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DocumentSequence_shopDomain_series_key" ON "DocumentSequence"("shopDomain", "series");

-- CreateIndex
CREATE INDEX "EmailDelivery_shopDomain_idx" ON "EmailDelivery"("shopDomain");

-- CreateIndex
CREATE UNIQUE INDEX "EmailDelivery_documentId_reason_key" ON "EmailDelivery"("documentId", "reason");

