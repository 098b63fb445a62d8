import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, IconButton, Tooltip } from '@mui/material';
import { useState, type ReactNode } from 'react';
import { copyToClipboard } from './copy-to-clipboard';

export interface SecretDialogProps {
  open: boolean;
  title: string;
  /** The value shown once; it is not stored anywhere by the console. */
  secret: string;
  warning: ReactNode;
  copyLabel: string;
  onClose: () => void;
}

/** Shows a one-time value (API key secret, invitation link) with a copy button. */
export const SecretDialog = ({ open, title, secret, warning, copyLabel, onClose }: SecretDialogProps) => {
  const [copied, setCopied] = useState<boolean | null>(null);

  const copy = async () => setCopied(await copyToClipboard(secret));

  return (
    <Dialog
      open={open}
      // Closing only through the button: a stray click outside must not lose the secret.
      onClose={(_event, reason) => {
        if (reason !== 'backdropClick') onClose();
      }}
      aria-labelledby="secret-dialog-title"
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id="secret-dialog-title">{title}</DialogTitle>
      <DialogContent>
        <Alert severity="warning" sx={{ mb: 2 }}>
          {warning}
        </Alert>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
          <Box
            component="code"
            data-testid="secret-value"
            sx={{
              flex: 1,
              p: 1.5,
              borderRadius: 1,
              bgcolor: 'action.hover',
              fontFamily: 'monospace',
              fontSize: '0.9rem',
              wordBreak: 'break-all',
              userSelect: 'all',
            }}
          >
            {secret}
          </Box>
          <Tooltip title={copyLabel}>
            <IconButton aria-label={copyLabel} onClick={copy}>
              <ContentCopyIcon />
            </IconButton>
          </Tooltip>
        </Box>
        {copied === true && (
          <Alert severity="success" sx={{ mt: 2 }} role="status">
            Copied to the clipboard.
          </Alert>
        )}
        {copied === false && (
          <Alert severity="info" sx={{ mt: 2 }} role="status">
            Copy is blocked by the browser here: select the value and copy it by hand.
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button variant="contained" onClick={onClose} aria-label="Done">
          Done
        </Button>
      </DialogActions>
    </Dialog>
  );
};
