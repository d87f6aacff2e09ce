-- CreateTable
CREATE TABLE "ErpPdf" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "providerType" TEXT NOT NULL,
    "providerRef" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "sha256" TEXT NOT NULL,
    "fetchedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ErpPdf_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ErpPdf_shopDomain_providerType_providerRef_key" ON "ErpPdf"("shopDomain", "providerType", "providerRef");

